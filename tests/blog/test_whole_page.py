"""The whole post page for readers without personal cookies (blog.caching.post_page):
one rebuild per version, the copy before served meanwhile within its bound and with its
own validators, and one cache round trip for a stored page and a 304.

The concurrency tests run PostPageCaching on request factory requests, with the versions
put in the cache by hand and a build that is a plain function, so no thread needs the
test database (as tests/blog/test_build_lock.py).
"""

import datetime
import gzip
import os
import threading
import time
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import views as blog_views
from blog.caching import PostPageCaching, post_page
from blog.caching.post_page import page_key
from blog.caching.versions import SITE_KEY, SITE_POSTS_KEY, Version, _keep, versions_key
from comments.models import Comment
from comments.services import comment_create
from config.cache import ResilientRedisCache
from tests.blog.test_build_lock import READERS, at_once
from tests.blog.test_caching import full_post, soup_of
from tests.html import text_of

SLUG = "hot"
PATH = f"/2026/11/{SLUG}/"


class FakePost:
    pk = 1
    slug = SLUG


def put_versions(counter: int) -> None:
    """Put what a post page reads first in the cache: site versions, and post 1 at this
    counter for the slug, as read from the database."""
    site_posts = Version("s1", 1.0)
    _keep(SITE_POSTS_KEY, site_posts, 60)
    _keep(SITE_KEY, Version("s1.1", 1.0), 60)
    version = Version(f"v{counter}", float(counter), counter)
    cache.set(versions_key(SLUG), (time.time() + 60, 1, version, site_posts.token), 60)


class Site:
    """Serves PATH as the post page does: the stored page, else a build (counted) that is
    stored through PostPageCaching.finish."""

    def __init__(self, rf, seconds: float = 0.2):
        self.rf, self.seconds = rf, seconds
        self.builds = []
        self._lock = threading.Lock()

    def get(self, counter: int, **headers):
        caching = PostPageCaching(self.rf.get(PATH, headers=headers), SLUG)
        if (answer := caching.cached_page()) is not None:
            return answer
        with self._lock:
            self.builds.append(counter)
        time.sleep(self.seconds)
        template = engines["django"].from_string(f"<p>version {counter}</p>")
        response = caching.finish(SimpleTemplateResponse(template), FakePost())
        return response.render()


def test_concurrent_readers_of_a_retired_whole_page_build_it_once(cache_backend, rf):
    site = Site(rf)
    put_versions(1)
    first = at_once(READERS, lambda: site.get(1))  # none stored: they wait for the builder
    put_versions(2)  # a comment: the stored page is retired
    second = at_once(READERS, lambda: site.get(2))

    assert site.builds == [1, 2]
    assert {answer.content for answer in first} == {b"<p>version 1</p>"}
    etag_1 = first[0]["ETag"]
    assert {answer["ETag"] for answer in first} == {etag_1}
    # One reader built version 2; the others got version 1 with version 1's validators.
    by_content = {}
    for answer in second:
        by_content.setdefault(answer.content, set()).add(answer["ETag"])
    assert by_content[b"<p>version 1</p>"] == {etag_1}
    assert (
        len(by_content[b"<p>version 2</p>"]) == 1 and etag_1 not in by_content[b"<p>version 2</p>"]
    )
    assert site.get(2).content == b"<p>version 2</p>"  # stored: no build more
    assert site.builds == [1, 2]


def test_the_copy_before_is_never_served_beyond_its_bound(rf, settings):
    settings.BLOG_PAGE_STALE_SECONDS = 5
    settings.BLOG_BUILD_WAIT_SECONDS = 0.1
    site = Site(rf, seconds=0)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        put_versions(1)
        stored = site.get(1)
        put_versions(2)
        another_builder = PostPageCaching(rf.get(PATH), SLUG)
        assert another_builder.cached_page() is None  # it took the lock for version 2

        traveller.shift(datetime.timedelta(seconds=4))
        stale = site.get(2)
        assert (stale.content, stale["ETag"]) == (stored.content, stored["ETag"])
        assert "s-maxage=1" in stale["Cache-Control"]  # a CDN keeps it no longer either
        assert site.builds == [1]

        traveller.shift(datetime.timedelta(seconds=2))
        late = site.get(2)  # waited for the builder, then built it
        assert late.content == b"<p>version 2</p>"
        assert site.builds == [1, 2]


def test_a_reader_coming_from_the_post_never_gets_the_copy_before(rf, settings):
    """A commenter sent back to the post (no personal cookie without replicas) must see
    their comment: they wait for the builder or build, never get the copy before."""
    settings.BLOG_BUILD_WAIT_SECONDS = 0.1
    site = Site(rf, seconds=0)
    put_versions(1)
    site.get(1)
    put_versions(2)
    assert PostPageCaching(rf.get(PATH), SLUG).cached_page() is None  # building it

    assert site.get(2, referer=f"https://example.org{PATH}").content == b"<p>version 2</p>"
    assert site.get(2, referer="https://example.org/").content == b"<p>version 2</p>"  # stored


def test_a_revalidation_of_the_copy_before_is_answered_304(rf):
    site = Site(rf, seconds=0)
    put_versions(1)
    etag = site.get(1)["ETag"]
    put_versions(2)
    PostPageCaching(rf.get(PATH), SLUG).cached_page()  # building version 2

    assert site.get(2, if_none_match=etag).status_code == 304
    assert site.builds == [1]


@pytest.mark.django_db
def test_a_commenter_sees_their_comment_while_others_get_the_copy_before(
    client, monkeypatch, settings
):
    """Through the real views, while another request holds the new version's build lock."""
    settings.COMMENTS_RATE_LIMIT = 0
    post = full_post()
    url = post.get_absolute_url()
    client.get(url)  # stored
    real_add = cache.add

    def add(key, *args, **kwargs):  # every build lock is another request's
        return False if ":building:" in key else real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", add)
    from_the_post = {"referer": f"https://testserver{url}", "sec_fetch_site": "same-origin"}
    sent = client.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"name": "Ann", "email": "", "body": "My own words.", "website": ""},
        headers=from_the_post,
    )
    assert sent.status_code == 302
    assert Comment.objects.get(body__contains="My own words.").status == Comment.Status.PUBLISHED
    assert not client.cookies  # nothing personal: the commenter is a reader like others

    other = client.get(url)  # no Referer: the copy before, while it is rebuilt
    assert "My own words." not in text_of(soup_of(other).select_one("#comments"))
    mine = client.get(sent["Location"], headers=from_the_post, follow=True)
    assert mine.redirect_chain[-1][0].startswith(url)
    assert "My own words." in text_of(soup_of(mine).select_one("#comments"))


class CacheCalls:
    """Count the calls a request makes to the cache."""

    NAMES = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr")

    def __init__(self, monkeypatch):
        self.calls = []
        self.depth = 0
        for name in self.NAMES:
            real = getattr(cache, name)
            monkeypatch.setattr(cache, name, self._counting(name, real))

    def _counting(self, name, real):
        def call(*args, **kwargs):
            if self.depth == 0:  # not the `get`s the local memory cache's get_many makes
                self.calls.append(name)
            self.depth += 1
            try:
                return real(*args, **kwargs)
            finally:
                self.depth -= 1

        return call


@pytest.mark.django_db
def test_a_stored_page_and_a_304_take_one_cache_round_trip_and_no_query(client, monkeypatch):
    post = full_post()
    comment_create(post=post, body="Warm.")
    url = post.get_absolute_url()
    etag = client.get(url)["ETag"]
    client.get(url)
    calls = CacheCalls(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
        page_calls, calls.calls[:] = list(calls.calls), []
        revalidated = client.get(url, headers={"if_none_match": etag})

    assert (page.status_code, revalidated.status_code) == (200, 304)
    assert (page_calls, calls.calls) == (["get_many"], ["get_many"])
    assert len(queries) == 0


@pytest.mark.django_db
def test_each_encoding_is_stored_and_fetched_on_its_own(client, settings):
    """A reader fetches only the bytes they are sent (was: every encoding, ~1.3x the
    identity page, for each cached answer)."""
    post = full_post()
    url = post.get_absolute_url()
    identity = client.get(url).content
    address = f"{settings.COMMENTS_PER_PAGE}:{settings.SITE_URL}{url}"

    assert list(cache.get(page_key(address, "identity")).variants) == ["identity"]
    for encoding in ("br", "gzip"):
        assert cache.get(page_key(address, encoding)) is None  # made when first asked for
        compressed = client.get(url, headers={"accept_encoding": encoding})
        assert compressed["Content-Encoding"] == encoding
        assert list(cache.get(page_key(address, encoding)).variants) == [encoding]
    assert gzip.decompress(compressed.content) == identity


def test_the_redis_cache_makes_one_client_per_connection_pool():
    """Every cache call made a redis.Redis object (config.cache._OneClientPerPool)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("set TEST_REDIS_URL to test on Redis")
    backend = ResilientRedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert backend._cache.get_client() is backend._cache.get_client()
    backend.set("one-client", 1, 60)
    assert backend.get_many(["one-client"]) == {"one-client": 1}


@pytest.mark.django_db
def test_a_new_comment_rebuilds_the_page_but_not_the_posts_own_parts(client, monkeypatch):
    """Was: the post's parts (article, head, structured data) were keyed by the post
    version, which every comment bumps, so each comment rebuilt them too."""
    built = []
    real = blog_views.build_post_parts

    def spy(post, **kwargs):
        built.append(post.pk)
        return real(post, **kwargs)

    monkeypatch.setattr(blog_views, "build_post_parts", spy)
    post = full_post()
    url = post.get_absolute_url()
    client.get(url)

    comment_create(post=post, body="A new take.")
    response = client.get(url)
    assert "A new take." in text_of(soup_of(response).select_one("#comments"))
    assert built == [post.pk]

    post.title = "An edited title"
    post.save()
    assert "An edited title" in text_of(soup_of(client.get(url)).select_one("article h1"))
    assert built == [post.pk, post.pk]


@pytest.mark.django_db
def test_a_request_that_fails_frees_the_build_lock(client, monkeypatch):
    """A post's slug under another month is found by the versions (one round trip, no
    query) but not by the view (404): the lock it took must not make the next reader of
    that address wait for a builder that gave up."""
    post = full_post()
    wrong = reverse(
        "blog:post-detail",
        kwargs={"year": post.published_at.year - 1, "month": 1, "slug": post.slug},
    )
    waited = []
    real_wait = post_page.wait_for
    monkeypatch.setattr(post_page, "wait_for", lambda *a: waited.append(a) or real_wait(*a))

    assert client.get(wrong).status_code == 404
    assert client.get(wrong).status_code == 404
    assert waited == []
