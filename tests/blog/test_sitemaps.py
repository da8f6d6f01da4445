"""sitemap.xml lists what readers can see; robots.txt points to it."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from usp.tree import sitemap_from_str

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.html import warm_queries

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def test_sitemap_lists_published_posts_and_their_pages(client, seed_post):
    locations = sitemap_locations(client)

    base = f"{settings.SITE_URL}"
    assert f"{base}/" in locations
    assert f"{base}{seed_post.get_absolute_url()}" in locations
    assert f"{base}/tags/msresearch/" in locations
    assert f"{base}{seed_post.author.get_absolute_url()}" in locations
    assert f"{base}{seed_post.series.get_absolute_url()}" in locations
    assert f"{base}{seed_post.paper_list()[0].get_absolute_url()}" in locations


def test_sitemap_leaves_out_drafts_and_future_posts(client, author):
    draft = PostFactory(author=author, status="draft")
    future = PostFactory(author=author, published_at=timezone.now() + datetime.timedelta(days=3))

    locations = sitemap_locations(client)

    assert not any(draft.slug in loc or future.slug in loc for loc in locations)


def queries_for(client, url: str) -> int:
    return warm_queries(client, url)


def test_sitemap_query_count_does_not_grow_with_posts(client, author):
    PostFactory.create_batch(3, author=author, tags=["MSResearch"])
    few = queries_for(client, "/sitemap.xml")
    PostFactory.create_batch(30, author=author, tags=["MSResearch", "NMO"])

    assert queries_for(client, "/sitemap.xml") == few
    assert few <= 12  # one or two per section, never one per post


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in response.content.decode()
    assert "Disallow: /preview/" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


# Read by ultimate-sitemap-parser (issue 15)


def parsed_pages(client) -> list:
    response = client.get("/sitemap.xml")
    return list(sitemap_from_str(response.content.decode()).all_pages())


def test_every_sitemap_url_has_a_lastmod_and_answers_200(client, seed_post):
    pages = parsed_pages(client)

    assert len(pages) == 8  # home, the post, its 3 tags, its author, series and paper
    for sitemap_page in pages:
        assert sitemap_page.last_modified is not None, sitemap_page.url
        assert sitemap_page.url.startswith(f"{settings.SITE_URL}/")
        path = sitemap_page.url.removeprefix(settings.SITE_URL)
        assert client.get(path).status_code == 200, path


def test_lastmod_is_the_newest_change_the_page_shows(client, seed_post):
    comment = Comment.objects.filter(post=seed_post).first()
    later = seed_post.updated_at + datetime.timedelta(days=30)
    with time_machine.travel(later, tick=False):
        comment.body = "Edited a month later."
        comment.save()

    lastmod = {page.url: page.last_modified for page in parsed_pages(client)}

    assert lastmod[f"{settings.SITE_URL}{seed_post.get_absolute_url()}"] == later.replace(
        microsecond=0
    )
    post_changed = max(seed_post.updated_at, seed_post.published_at)
    assert lastmod[f"{settings.SITE_URL}/"] == post_changed.replace(microsecond=0)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
def test_a_reply_readers_cannot_see_does_not_move_the_lastmod(client, author, status):
    """A published reply under a held or spam comment is hidden with it (comments.visibility)."""
    post = PostFactory(author=author)
    shown = CommentFactory(post=post)
    later = post.updated_at + datetime.timedelta(days=30)
    with time_machine.travel(later, tick=False):
        held = CommentFactory(post=post, status=status)
    with time_machine.travel(later + datetime.timedelta(days=1), tick=False):
        CommentFactory(post=post, parent=held)

    lastmod = {page.url: page.last_modified for page in parsed_pages(client)}

    assert lastmod[f"{settings.SITE_URL}{post.get_absolute_url()}"] == max(
        post.changed_at, shown.updated_at
    ).replace(microsecond=0)


def test_no_draft_or_scheduled_post_or_its_pages_appear(client, db, author):
    PostFactory(author=author, status="draft", tags=["DraftOnly"])
    PostFactory(
        author=author,
        published_at=timezone.now() + datetime.timedelta(days=3),
        tags=["FutureOnly"],
    )

    assert parsed_pages(client) == []  # nothing published: not even the author's page


def test_a_scheduled_post_is_dated_when_it_went_live_as_post_changed_at_says(client, author):
    due = timezone.now() + datetime.timedelta(days=2)
    post = PostFactory(author=author, published_at=due)

    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        lastmod = {page.url: page.last_modified for page in parsed_pages(client)}

    assert post.changed_at == due  # going live is the newer change, in Python...
    assert lastmod[f"{settings.SITE_URL}/"] == due.replace(microsecond=0)  # ...and in SQL
    assert lastmod[f"{settings.SITE_URL}{post.author.get_absolute_url()}"] == due.replace(
        microsecond=0
    )
