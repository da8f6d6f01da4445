"""The post form's Publish control (blog/publishing.py)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 9, 30, tzinfo=datetime.UTC)  # 10:30 in London (BST)


def _form(post, **changes):
    local = timezone.localtime(post.published_at)
    data = {
        "title": post.title,
        "slug": post.slug,
        "teaser": post.teaser,
        "body": post.body,
        "body_format": post.body_format,
        "author": post.author.pk,
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "status": post.status,
        "post_hashtags-TOTAL_FORMS": "0",
        "post_hashtags-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def _press(client, post, action, **changes):
    return client.post(
        f"/admin/blog/post/{post.pk}/change/", _form(post, _publish=action, **changes)
    )


@time_machine.travel(NOW, tick=False)
def test_publish_now_makes_a_draft_public_at_this_moment(staff_client, author):
    draft = PostFactory(
        author=author, status=Post.Status.DRAFT, published_at=NOW - datetime.timedelta(days=30)
    )
    assert _press(staff_client, draft, "now").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert draft.published_at == NOW
    assert draft.is_published()


@time_machine.travel(NOW, tick=False)
def test_publish_now_keeps_the_date_of_a_post_already_public(staff_client, author):
    post = PostFactory(author=author, published_at=NOW - datetime.timedelta(days=3))
    _press(staff_client, post, "now")
    post.refresh_from_db()
    assert post.published_at == NOW - datetime.timedelta(days=3)


@time_machine.travel(NOW, tick=False)
def test_schedule_publishes_at_the_time_given_in_london_time(staff_client, author, client):
    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    response = _press(
        staff_client, draft, "schedule", published_at_0="2026-06-02", published_at_1="08:00:00"
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert draft.published_at == datetime.datetime(2026, 6, 2, 7, 0, tzinfo=datetime.UTC)
    assert not draft.is_published()
    listing = staff_client.get("/admin/blog/post/").text
    assert "Scheduled for 2 Jun 2026, 08:00" in listing
    assert client.get(draft.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime.datetime(2026, 6, 2, 7, 0, 1, tzinfo=datetime.UTC)):
        assert client.get(draft.get_absolute_url()).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_scheduling_in_the_past_is_refused_and_the_form_keeps_the_text(staff_client, author):
    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    response = _press(
        staff_client,
        draft,
        "schedule",
        body="My new text",
        published_at_0="2026-06-01",
        published_at_1="10:00:00",
    )
    assert response.status_code == 200
    assert "pick a time in the future (Europe/London time)" in response.text
    assert "My new text" in response.text
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT


@pytest.mark.parametrize("action", ["draft", "unpublish"])
def test_save_draft_and_unpublish_take_a_post_off_the_site(staff_client, author, client, action):
    post = PostFactory(author=author)
    assert client.get(post.get_absolute_url()).status_code == 200
    _press(staff_client, post, action)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert client.get(post.get_absolute_url()).status_code == 404


def test_the_form_has_the_publish_buttons_after_save(staff_client, author):
    post = PostFactory(author=author)
    page = staff_client.get(f"/admin/blog/post/{post.pk}/change/").text
    assert page.index('name="_save"') < page.index('name="_publish" value="draft"')
    for label in ["Save draft", "Publish now", "Schedule for the publication time", "Unpublish"]:
        assert f">{label}</button>" in page
    draft_page = staff_client.get(
        f"/admin/blog/post/{PostFactory(author=author, status='draft').pk}/change/"
    ).text
    assert ">Unpublish</button>" not in draft_page


def test_view_on_site_opens_the_preview_for_a_draft(staff_client, author):
    from bs4 import BeautifulSoup

    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    page = BeautifulSoup(
        staff_client.get(f"/admin/blog/post/{draft.pk}/change/").text, "html.parser"
    )
    link = page.find("a", string="View on site")
    assert link["href"] == f"/preview/{draft.pk}/"
    assert staff_client.get(link["href"]).status_code == 200

    public = PostFactory(author=author)
    page = BeautifulSoup(
        staff_client.get(f"/admin/blog/post/{public.pk}/change/").text, "html.parser"
    )
    response = staff_client.get(page.find("a", string="View on site")["href"])
    assert response["Location"].endswith(public.get_absolute_url())
