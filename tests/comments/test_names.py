"""Commenters cannot pass for the blog's authors, nor hide characters in their names."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.names import invisible_character, skeleton

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits")]


def submit(client, post, name, body="Hello."):
    data = {"name": name, "email": "", "body": body, "website": ""}
    return client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), data)


@pytest.mark.parametrize(
    "name",
    [
        "Prof G",
        "prof g",
        "\u0420rof G",  # Cyrillic capital ER
        "Pr\u03bff G",  # Greek small omicron
        "Pr0f G",
        "\uff30\uff52\uff4f\uff46 \uff27",  # fullwidth
        "\U0001d40f\U0001d42b\U0001d428\U0001d41f \U0001d406",  # mathematical bold
        "Prof. G",
        "  PROF-G  ",
    ],
)
def test_an_authors_name_and_its_lookalikes_are_refused_for_readers(client, seed_post, name):
    response = submit(client, seed_post, name, body=f"As {name!r}.")

    assert response.status_code == 400
    assert "That name belongs to one of the blog" in response.content.decode()
    assert not Comment.objects.filter(body=f"As {name!r}.").exists()


def test_staff_may_comment_under_an_authors_name(client, seed_post, django_user_model):
    client.force_login(django_user_model.objects.create_user("profg", is_staff=True))

    response = submit(client, seed_post, "Prof G", body="The author replies.")

    assert response.status_code == 302
    assert Comment.objects.get(body="The author replies.").author_name == "Prof G"


@pytest.mark.parametrize(
    "name",
    [
        "Emma\u200b",  # zero-width space
        "Em\u200dma",  # zero-width joiner
        "\u202eammE",  # right-to-left override
        "Emma\u2066x\u2069",  # isolates
        "\u3164",  # Hangul filler, renders as nothing
        "Emma\u00ad",  # soft hyphen
    ],
)
def test_invisible_and_bidi_characters_are_refused_in_names(client, seed_post, name):
    response = submit(client, seed_post, name, body="Hidden characters.")

    assert response.status_code == 400
    assert "invisible or text-direction characters" in response.content.decode()
    assert not Comment.objects.filter(body="Hidden characters.").exists()


@pytest.mark.parametrize("name", ["Emma", "Ménière fan", "多発性硬化症", "MD2", "Prof K", "Dr G"])
def test_ordinary_names_are_accepted(client, seed_post, name):
    assert submit(client, seed_post, name, body=f"From {name}.").status_code == 302


def test_skeletons_keep_different_letters_apart():
    assert len({skeleton(c) for c in "abcdefghjkmnpqrstuvwxyz"}) == 23
    assert skeleton("Prof G") != skeleton("Prof K")
    assert invisible_character("Plain name") is None
