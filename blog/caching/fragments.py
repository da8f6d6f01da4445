"""Fragments cached under version keys: the sidebar, and any value a key fully describes."""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from blog.caching.versions import site_posts_version, site_version

BUILD_LOCK_SECONDS = 10  # a builder that died frees the others after this at worst
_POLL_SECONDS = 0.02


def cached(
    key: str,
    build: Callable[[], object],
    *,
    usable: Callable[[object], bool] | None = None,
    lock: str | None = None,
):
    """Return the value cached under `key`, building and caching it if absent.

    `key` must contain every version the value depends on; or, for a value kept under a
    key without them (a comment page, `post_page`), `usable(value)` says whether a stored
    value still holds and `lock` names the version being built. One build per version:
    the first reader to miss takes a short lock (`cache.add`) and builds; readers missing
    the same meanwhile poll the cache for up to BLOG_BUILD_WAIT_SECONDS and take the
    builder's value. A reader that waited that long, or finds no lock held (the builder
    gave up, or the cache is down and every `add` fails), builds the value itself.
    """
    usable = usable or _stored
    lock = lock or f"{key}:building"
    value = cache.get(key)
    if value is not None and usable(value):
        return value
    if cache.add(lock, 1, BUILD_LOCK_SECONDS):
        try:
            return _build_and_store(key, build)
        finally:
            cache.delete(lock)
    value = wait_for(key, lock, usable)
    return _build_and_store(key, build) if value is None else value


def _stored(value) -> bool:
    return True


def _build_and_store(key: str, build: Callable[[], object]):
    value = build()
    cache.set(key, value, settings.BLOG_CACHE_SECONDS)
    return value


def wait_for(key: str, lock: str, usable: Callable[[object], bool]):
    """Return the value another reader is building under `lock`, or None if it does not
    come within BLOG_BUILD_WAIT_SECONDS or nobody holds the lock."""
    deadline = time.monotonic() + settings.BLOG_BUILD_WAIT_SECONDS
    while True:
        found = cache.get_many([key, lock])
        if key in found and usable(found[key]):
            return found[key]
        if lock not in found or time.monotonic() >= deadline:
            return None
        time.sleep(_POLL_SECONDS)


def origin_of(request) -> str:
    """Return the site's canonical origin (SITE_URL), never the request's host.

    Part of the keys of anything holding absolute URLs, such as structured data.
    """
    return settings.SITE_URL


def sidebar_html(render: Callable[[], str]) -> str:
    """Return the sidebar, rendering it once per site version."""
    return cached(f"blog:sidebar:{site_version().token}", render)


def around_post_html(post_pk: int, render: Callable[[], str]) -> str:
    """Return a post's previous/next and related posts, rendered once per site posts
    version (any post's change may change them; no comment does)."""
    return cached(f"blog:around:{site_posts_version().token}:{post_pk}", render)
