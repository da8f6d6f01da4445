"""Version tokens come from counters in the database (blog/caching/versions.py): a cache
that lost writes cannot serve stale pages past BLOG_CACHE_VERSION_SECONDS, and a comment
retires only the comment pages it reaches (the page it lands on and those after it)."""

import datetime
import random

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.caching.versions import (
    MAX_THREAD_MARKS,
    SITE_KEYS,
    marked,
    page_versions,
    post_version,
    versions_key,
)
from blog.discussion import ThreadCounts, thread_counts
from comments.models import Comment
from comments.services import comment_create, comments_set_status
from comments.thread import build_thread, published_count, thread_comments
from config.env import cache_from_url
from tests.factories import CommentFactory, PostFactory
from tests.html import text_of
from tests.redis_server import snapshot_redis_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def queries(client, url: str, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, captured.captured_queries


def comments_text(response) -> str:
    return text_of(BeautifulSoup(response.content, "html.parser").select_one("#comments"))


def sidebar_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return text_of(soup.select_one("aside.site-sidebar"))


# A cache restored from a snapshot


@pytest.fixture
def on_snapshot_redis(snapshot_redis_server, settings):  # noqa: F811
    settings.CACHES = {"default": cache_from_url(snapshot_redis_server.url)}
    cache.clear()
    return snapshot_redis_server


def test_a_cache_restored_from_a_snapshot_serves_no_stale_page_past_the_bound(
    client, settings, on_snapshot_redis
):
    """Was: the restored token (random, made on read) was current again for up to 24 h,
    and with it the page stored under it, without the comment posted after the snapshot."""
    settings.BLOG_CACHE_VERSION_SECONDS = 30
    settings.BLOG_RECENT_COMMENTS_STALE_SECONDS = 10
    post, other = PostFactory(), PostFactory()
    CommentFactory(post=post, body="Before the snapshot.")
    url, elsewhere = post.get_absolute_url(), other.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(url)
        client.get(elsewhere)
        assert len(queries(client, url)[1]) == 0  # the whole page, from Redis
        snapshot = on_snapshot_redis.snapshot()

        comment_create(post=post, body="After the snapshot.")
        assert "After the snapshot." in comments_text(client.get(url))
        on_snapshot_redis.restart_from(snapshot)  # the cache forgets the comment's writes

        clock.shift(datetime.timedelta(seconds=29))
        assert "After the snapshot." not in comments_text(client.get(url))  # within the bound

        clock.shift(datetime.timedelta(seconds=2))
        assert "After the snapshot." in comments_text(client.get(url))
        assert "After the snapshot." in sidebar_text(client.get(elsewhere))
        assert "After the snapshot." in comments_text(client.get(url))  # and stored again


def test_tokens_read_again_from_the_database_find_the_pages_stored_under_them(
    client, settings, discussions_built
):
    settings.BLOG_CACHE_VERSION_SECONDS = 30
    post = PostFactory()
    CommentFactory(post=post)
    url = post.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = client.get(url)
        clock.shift(datetime.timedelta(seconds=31))  # every token is due to be read again

        again, read = queries(client, url)

    # The site's versions with the post's, in one query: the same tokens as before.
    assert len(read) == 1
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert discussions_built == [(post.pk, 1)]


def test_a_post_version_is_counted_in_the_database(client):
    post = PostFactory()
    before = post_version(post.pk)

    comment_create(post=post, body="Counted.")
    cache.clear()  # whatever the cache held or lost

    after = post_version(post.pk)
    assert after.counter == before.counter + 1
    assert after.token != before.token
    assert post_version(post.pk) == after


# A comment retires the comment pages it reaches, not those before it


@pytest.fixture
def three_pages(settings):
    """A post with twelve comments, five a page (pages of 5, 5 and 2), each page cached."""
    settings.COMMENTS_PER_PAGE = 5
    settings.COMMENTS_FLOOD_SECONDS = settings.COMMENTS_RATE_LIMIT = 0
    post = PostFactory()
    first = [CommentFactory(post=post) for _ in range(12)]
    return post, first


def urls_of(post, count: int) -> list[str]:
    return [post.comments_page_url(number) for number in range(1, count + 1)]


def thread_reads(captured) -> list[str]:
    """The queries that read a page of a thread's comments (comments.thread's one
    statement), not counts."""
    return [q["sql"] for q in captured if "WITH threads AS" in q["sql"]]


def test_a_comment_on_the_last_page_leaves_the_earlier_pages_cached(
    client, three_pages, discussions_built
):
    post, _ = three_pages
    other = PostFactory()
    without_cookies = Client()
    without_cookies.get(other.get_absolute_url())  # stored whole
    # A personal cookie: the page is built per request around the cached comment pages.
    client.cookies["sessionid"] = "signed-out"
    for url in urls_of(post, 3):
        client.get(url)
    discussions_built.clear()

    comment_create(post=post, body="Lands on page 3.")
    seen = {}
    for number, url in enumerate(urls_of(post, 3), start=1):
        response, captured = queries(client, url)
        seen[number] = (comments_text(response), thread_reads(captured))
    _, elsewhere = queries(without_cookies, other.get_absolute_url())

    assert discussions_built == [(post.pk, 3)]
    assert [bool(seen[n][1]) for n in (1, 2, 3)] == [False, False, True]
    assert all("13 comments" in seen[n][0] for n in (1, 2, 3))  # the count, spliced in
    assert "Lands on page 3." in seen[3][0]
    assert elsewhere == []  # another post's stored page: no query at all


def test_a_new_page_shows_in_every_pages_links_without_rebuilding_them(
    client, three_pages, discussions_built
):
    post, _ = three_pages
    for url in urls_of(post, 3):
        client.get(url)
    for n in range(4):
        comment_create(post=post, body=f"Filling page 3, then 4 ({n}).")
    discussions_built.clear()

    first = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")

    links = [a.get_text() for a in first.select("nav.comment-pagination li a")]
    assert links == ["Page 1", "Page 2", "Page 3", "Page 4"]
    assert "Page 1 of 4" in text_of(first.select_one(".comment-page-status"))
    assert discussions_built == []
    assert client.get(post.comments_page_url(4)).status_code == 200


def test_a_reply_early_in_the_thread_retires_its_page_and_those_after_it(
    client, three_pages, discussions_built
):
    post, first = three_pages
    for url in urls_of(post, 3):
        client.get(url)
    discussions_built.clear()

    comment_create(post=post, parent=first[6], body="A reply on page 2.")
    for url in urls_of(post, 3):
        client.get(url)

    assert discussions_built == [(post.pk, 2), (post.pk, 3)]


def test_a_reply_shows_its_count_on_the_page_of_the_comment_it_answers(
    client, three_pages, discussions_built
):
    """A reply landing on a later page changes the reply count its parent shows."""
    post, first = three_pages
    for _ in range(3):  # the fourth comment's sub-thread runs onto page 2
        CommentFactory(post=post, parent=first[3])
    for url in urls_of(post, 3):
        client.get(url)
    discussions_built.clear()

    comment_create(post=post, parent=first[3], body="Another reply.")  # lands on page 2
    page_one = BeautifulSoup(client.get(post.get_absolute_url()).content, "html.parser")

    summary = page_one.select_one(f"#comment-{first[3].pk} > details.replies > summary")
    assert text_of(summary) == "4 replies"
    assert (post.pk, 1) in discussions_built


def test_moderation_retires_every_page(client, three_pages, discussions_built):
    post, first = three_pages
    for url in urls_of(post, 3):
        client.get(url)
    discussions_built.clear()

    comments_set_status(Comment.objects.filter(pk=first[-1].pk), Comment.Status.SPAM)
    for url in urls_of(post, 3):
        client.get(url)

    assert discussions_built == [(post.pk, 1), (post.pk, 2), (post.pk, 3)]


def test_marks_keep_the_earliest_tree_and_stay_few():
    marks: list = []
    for counter, tree in enumerate([40, 50, 45, 60], start=1):
        marks = marked(marks, tree, counter)
    assert marks == [[40, 1], [45, 3], [60, 4]]

    for counter in range(5, 5 + 3 * MAX_THREAD_MARKS):
        marks = marked(marks, 100 + counter, counter)
    assert len(marks) == MAX_THREAD_MARKS
    assert marks[:2] == [[40, 1], [45, 3]]
    assert marks[-1][1] == 4 + 3 * MAX_THREAD_MARKS
    assert marked(marks, 0, 999) == [[0, 999]]


def test_the_counts_query_agrees_with_the_built_thread():
    """What a cached page is told ("N comments", how many pages) is what a build counts."""
    statuses = [Comment.Status.PUBLISHED] * 5 + [
        Comment.Status.PENDING,
        Comment.Status.SPAM,
        Comment.Status.REMOVED,
    ]
    chance = random.Random(7)
    post = PostFactory()
    made: list[Comment] = []
    for _ in range(80):
        parent = chance.choice([None, *made[-10:]])
        made.append(CommentFactory(post=post, parent=parent, status=chance.choice(statuses)))

    thread = build_thread(thread_comments(post))
    counts = ThreadCounts(comments=published_count(thread), shown=len(thread))

    assert thread_counts(post) == counts
    assert 0 < counts.comments < counts.shown < 80  # some hidden, some placeholders


# The versions a post page reads first


@pytest.mark.parametrize(
    "cached", [(), ("slug",), ("site",), ("slug", "site")], ids=["none", "slug", "site", "both"]
)
def test_a_post_pages_versions_cost_one_query_whatever_the_cache_lacks(cached):
    post = PostFactory()
    cache.clear()
    expected = page_versions(post.slug, {})  # read from the database, and cached
    if "slug" not in cached:
        cache.delete(versions_key(post.slug))
    if "site" not in cached:
        cache.delete_many(SITE_KEYS)
    keys = [versions_key(post.slug), *SITE_KEYS]

    with CaptureQueriesContext(connection) as read_now:
        read = page_versions(post.slug, cache.get_many(keys))
    with CaptureQueriesContext(connection) as read_again:
        again = page_versions(post.slug, cache.get_many(keys))
        version = post_version(post.pk)

    assert read == again == expected
    assert read[0] == post.pk
    assert len(read_now) == (0 if cached == ("slug", "site") else 1)
    assert len(read_again) == 0  # what was read is cached, the post version with it
    assert version.counter == post.cache_version.counter


def test_an_unknown_or_hidden_slug_has_no_versions():
    draft = PostFactory(status="draft")
    cache.clear()

    assert page_versions("no-such-post", {}) is None
    assert page_versions(draft.slug, {}) is None
