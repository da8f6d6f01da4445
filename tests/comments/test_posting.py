"""Readers post comments and replies; bad input re-renders with messages and keeps the text."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits")]


def post_url(post) -> str:
    return reverse("comments:post", kwargs={"post_pk": post.pk})


def submit(client, post, **fields):
    data = {"name": "", "email": "", "body": "A thoughtful comment.", "website": "", **fields}
    return client.post(post_url(post), data)


def test_comment_is_published_and_redirects_to_its_permalink(client, seed_post):
    response = submit(client, seed_post, name="Emma", body="Thank you for this.")

    comment = Comment.objects.get(body="Thank you for this.")
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{comment.pk}/#comment-{comment.pk}"
    landing = client.get(response["Location"])
    assert landing["Location"] == f"{seed_post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.author_name == "Emma"
    assert comment.parent is None
    assert comment.created_at is not None


def test_blank_name_shows_a_per_thread_anonymous_label(client, seed_post):
    submit(client, seed_post, body="Who am I?")

    assert re.fullmatch(
        r"Anonymous [0-9A-Z]{6}", Comment.objects.get(body="Who am I?").display_name
    )


def test_reply_nests_under_its_parent(client, seed_post):
    voltaire = Comment.objects.get(source_ref="3")

    submit(client, seed_post, body="Another reply.", parent=voltaire.pk)

    reply = Comment.objects.get(body="Another reply.")
    assert reply.parent_id == voltaire.pk
    assert reply.level == 1
    assert Comment.objects.get(pk=voltaire.pk).get_descendant_count() == 10


def test_paragraphs_and_line_breaks_are_kept_and_urls_linked(client, seed_post):
    submit(
        client, seed_post, body="First line\nsecond line\n\nSee https://example.org/paper?id=1&x=2."
    )

    comment = Comment.objects.get(author_name="", body__startswith="First line")
    assert comment.body == "First line\nsecond line\n\nSee https://example.org/paper?id=1&x=2."
    assert comment.body_html == (
        "<p>First line<br>\nsecond line</p>\n<p>See "
        '<a href="https://example.org/paper?id=1&amp;x=2" rel="nofollow ugc noopener">'
        "https://example.org/paper?id=1&amp;x=2</a>.</p>"
    )


def test_reply_form_page_works_without_javascript(client, seed_post):
    parent = Comment.objects.get(source_ref="2")

    response = client.get(reverse("comments:reply", kwargs={"pk": parent.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Reply to Anonymous</h1>" in page
    assert f'name="parent" value="{parent.pk}"' in page
    assert "I think the case will scare more people than it informs." in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": ""}, "body", "Please write a comment before posting."),
        ({"body": " \n\n  "}, "body", "Please write a comment before posting."),
        ({"name": "N" * 101}, "name", "at most 100 characters"),
        ({"body": "B" * 10_001}, "body", "at most 10000 characters"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"notify": "on"}, "email", "Give your email address to be told about replies."),
        ({"name": "Bad\x07bell"}, "name", "invisible control character (U+0007)"),
        ({"body": "Nul \x00 byte"}, "body", "Null characters are not allowed."),
        ({"parent": "999999"}, "parent", "does not exist on this post"),
    ],
    ids=["empty", "blank", "long-name", "long-body", "email", "notify", "bell", "nul", "no-parent"],
)
def test_bad_input_rerenders_with_message_and_keeps_what_was_typed(
    client, seed_post, fields, field, message
):
    typed = {"name": "Reader One", "body": "My carefully typed words.", **fields}
    before = Comment.objects.count()

    response = submit(client, seed_post, **typed)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert response.context["form"].errors[field]
    assert Comment.objects.count() == before
    if "body" not in fields:
        assert "My carefully typed words." in page
    if "name" not in fields:
        assert 'value="Reader One"' in page


def test_parent_on_another_post_is_refused(client, seed_post):
    other = CommentFactory(post=PostFactory(author=seed_post.author))

    response = submit(client, seed_post, parent=other.pk)

    assert response.status_code == 400
    assert "does not exist on this post" in response.content.decode()


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_unpublished_parent_is_refused(client, seed_post, status):
    parent = Comment.objects.get(source_ref="1")
    Comment.objects.filter(pk=parent.pk).update(status=status)

    response = submit(client, seed_post, parent=parent.pk)

    assert response.status_code == 400
    assert "is not published" in response.content.decode()


def test_reply_beyond_max_depth_attaches_at_the_maximum_depth(client, seed_post, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    parent = Comment.objects.get(source_ref="3.1")
    submit(client, seed_post, body="Depth three.", parent=parent.pk)
    deepest = Comment.objects.get(body="Depth three.")

    submit(client, seed_post, body="Would be depth four.", parent=deepest.pk)

    reply = Comment.objects.get(body="Would be depth four.")
    assert deepest.level == 2
    assert reply.level == 2
    assert reply.parent_id == parent.pk


def test_comments_on_unpublished_posts_are_refused(client, author):
    draft = PostFactory(author=author, status="draft")

    assert submit(client, draft).status_code == 404


def test_get_is_not_allowed(client, seed_post):
    assert client.get(post_url(seed_post)).status_code == 405


def test_post_without_csrf_token_is_forbidden(seed_post):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(post_url(seed_post), {"body": "No token."})

    assert response.status_code == 403
    assert not Comment.objects.filter(body="No token.").exists()


def test_posting_page_has_labelled_fields(client, seed_post):
    response = submit(client, seed_post, body="")

    page = response.content.decode()
    for field in ["name", "email", "body", "notify"]:
        assert f'for="id_{field}"' in page
    assert mail.outbox == []
