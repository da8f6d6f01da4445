"""A worker's own copies of the whole pages it served last (blog.caching.local_pages):
served again after fetching only their versions, and never once those changed."""

import pytest
from django.core.cache import cache

from blog.caching.local_pages import keep_local_page, local_page
from blog.caching.post_page import StoredPage
from comments.services import comment_create
from tests.blog.test_caching import full_post, soup_of
from tests.html import text_of


@pytest.fixture
def fetched(monkeypatch):
    """Record the keys of every get_many on the cache."""
    keys = []
    real = cache.get_many

    def spy(wanted, *args, **kwargs):
        keys.append(list(wanted))
        return real(wanted, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", spy)
    return keys


def page_keys(keys) -> list[str]:
    return [key for batch in keys for key in batch if key.startswith("blog:whole-page:")]


@pytest.mark.django_db
def test_a_page_served_again_fetches_only_its_versions(client, fetched):
    post = full_post()
    url = post.get_absolute_url()
    built = client.get(url)
    client.get(url)  # from the shared cache: now this worker's copy too
    fetched.clear()

    again = client.get(url)

    assert again.content == built.content
    assert fetched and page_keys(fetched) == []


@pytest.mark.django_db
def test_a_copy_whose_versions_changed_is_never_served(client, fetched):
    post = full_post()
    url = post.get_absolute_url()
    client.get(url)
    client.get(url)
    comment_create(post=post, body="Written after the copy was kept.")

    fresh = client.get(url)

    assert "Written after the copy was kept." in text_of(soup_of(fresh).select_one("#comments"))


@pytest.mark.django_db
def test_without_room_nothing_is_kept(client, settings, fetched):
    settings.BLOG_LOCAL_PAGE_BYTES = 0
    post = full_post()
    url = post.get_absolute_url()
    client.get(url)
    client.get(url)
    fetched.clear()

    client.get(url)

    assert len(page_keys(fetched)) == 1


def stored(size: int) -> StoredPage:
    return StoredPage("p", "s", None, 0.0, None, (), {"identity": b"x" * size})


def test_the_least_recently_used_copies_go_first(settings):
    settings.BLOG_LOCAL_PAGE_BYTES = 300
    for key in ("a", "b", "c"):
        keep_local_page(key, stored(100))
    assert local_page("a") is not None  # now the most recently used

    keep_local_page("d", stored(100))
    keep_local_page("too-big", stored(301))

    assert [key for key in "abcd" if local_page(key)] == ["a", "c", "d"]
    assert local_page("too-big") is None
