"""Inline rows on the post change form label their hashtags and papers without a query
per row (blog.admin_inlines), and still show and save what the editor chose."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from blog.models import PostHashtag
from tests.factories import CitationFactory, HashtagFactory, PaperFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged_post(author):
    post = PostFactory(author=author, tags=["Alemtuzumab", "NMO"])
    CitationFactory(post=post, paper=PaperFactory(title="Macrophages after alemtuzumab"))
    return post


def _selected(soup, name) -> tuple[str, str]:
    option = soup.find("select", attrs={"name": name}).find("option", selected=True)
    return option["value"], option.get_text()


def _form_data(soup) -> dict:
    """Return what the browser would send for the post form as it is on the page."""
    form = soup.find("form", id="post_form")
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "checkbox"}:
            continue
        if field.name == "select":
            option = field.find("option", selected=True)
            data[name] = option["value"] if option else ""
        elif field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        else:
            data[name] = field.get("value", "")
    return data


def _change_page(client, post):
    url = reverse("admin:blog_post_change", args=[post.pk])
    return url, BeautifulSoup(client.get(url).content, "html.parser")


def test_each_row_shows_its_own_selected_hashtag_and_paper(staff_client, tagged_post):
    tags = [link.hashtag for link in tagged_post.post_hashtags.order_by("position")]
    paper = tagged_post.citations.get().paper

    _, soup = _change_page(staff_client, tagged_post)

    assert [_selected(soup, f"post_hashtags-{i}-hashtag") for i in range(2)] == [
        (str(tag.pk), str(tag)) for tag in tags
    ]
    assert _selected(soup, "citations-0-paper") == (str(paper.pk), str(paper))


def test_a_row_sent_back_with_errors_shows_the_newly_chosen_hashtag(staff_client, tagged_post):
    chosen = HashtagFactory(name="Macrophages")
    url, soup = _change_page(staff_client, tagged_post)
    data = _form_data(soup) | {"title": "", "post_hashtags-0-hashtag": str(chosen.pk)}

    response = staff_client.post(url, data)

    assert response.status_code == 200  # the blank title sends the form back
    soup = BeautifulSoup(response.content, "html.parser")
    assert _selected(soup, "post_hashtags-0-hashtag") == (str(chosen.pk), "#Macrophages")


def test_changing_a_rows_hashtag_saves_it(staff_client, tagged_post):
    chosen = HashtagFactory(name="Macrophages")
    url, soup = _change_page(staff_client, tagged_post)
    data = _form_data(soup) | {"post_hashtags-1-hashtag": str(chosen.pk)}

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert [
        link.hashtag.name
        for link in PostHashtag.objects.filter(post=tagged_post).order_by("position")
    ] == ["Alemtuzumab", "Macrophages"]
