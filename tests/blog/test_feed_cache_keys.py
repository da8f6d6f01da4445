"""Query strings that change nothing make no new feed cache entries."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_keys_stored(monkeypatch):
    """The distinct feed keys written to the cache during the test."""
    keys: list[str] = []
    real_set = cache.set

    def recording_set(key, *args, **kwargs):
        if key.startswith("blog:feed:"):
            keys.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return keys


@pytest.mark.parametrize("name", ["blog:post-feed", "blog:post-feed-atom"])
def test_fifty_query_strings_leave_one_feed_entry(client, feed_keys_stored, name):
    PostFactory(title="In the feed")
    url = reverse(name)

    bodies = {client.get(f"{url}?x={n}").content for n in range(1, 51)}

    assert len(bodies) == 1  # the query string changed nothing...
    assert len(feed_keys_stored) == 1  # ...and made one entry, stored once
    assert client.get(url).content in bodies


def test_a_query_string_gets_the_same_etag_and_304(client):
    PostFactory(title="In the feed")
    first = client.get("/feed/?utm_source=x")

    again = client.get("/feed/?utm_source=y", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


@pytest.fixture
def keys_stored(monkeypatch):
    """Every cache key written during the test (build locks left out: they are removed)."""
    keys: set[str] = set()
    real_set, real_add, real_set_many = cache.set, cache.add, cache.set_many

    def note(key):
        if ":building" not in key:
            keys.add(key)

    def recording_set(key, *args, **kwargs):
        note(key)
        return real_set(key, *args, **kwargs)

    def recording_add(key, *args, **kwargs):
        note(key)
        return real_add(key, *args, **kwargs)

    def recording_set_many(data, *args, **kwargs):
        for key in data:
            note(key)
        return real_set_many(data, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    monkeypatch.setattr(cache, "add", recording_add)
    monkeypatch.setattr(cache, "set_many", recording_set_many)
    return keys


def test_nothing_a_visitor_varies_makes_new_cache_entries(client, seed_post, keys_stored):
    """Issue 14 point 4: Django ignores the port when checking ALLOWED_HOSTS, so a Host with
    a new port (or a query string that changes nothing) must not make a new entry, or the
    cache can be inflated at will."""
    kwargs = {"year": 2014, "month": 10, "slug": seed_post.slug}
    addresses = [
        seed_post.get_absolute_url(),
        "/",
        reverse("blog:post-feed"),
        reverse("blog:post-comments-feed", kwargs=kwargs),
        seed_post.author.get_absolute_url(),
    ]
    for url in addresses:
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    canonical = set(keys_stored)

    for port in range(9000, 9020):
        for url in addresses:
            with_cookie = {"HTTP_COOKIE": "theme=dark"} if port % 2 else {}
            response = client.get(f"{url}?utm_source={port}", HTTP_HOST=f"127.0.0.1:{port}")
            assert response.status_code == 200
            client.get(url, HTTP_HOST=f"localhost:{port}", **with_cookie)

    assert keys_stored == canonical
