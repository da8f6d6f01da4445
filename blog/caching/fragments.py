"""Fragments cached under version keys: the sidebar, and any value a key fully describes."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from blog.caching.versions import site_posts_version, site_version


def cached(key: str, build: Callable[[], object]):
    """Return the value cached under `key`, building and caching it if absent.

    `key` must contain every version the value depends on.
    """
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.BLOG_CACHE_SECONDS)
    return value


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
