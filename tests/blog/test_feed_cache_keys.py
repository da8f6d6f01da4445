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
