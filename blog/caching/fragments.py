"""Fragments cached under version keys: the sidebar, and any value a key fully describes."""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from blog.caching.versions import site_version


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
    """Return the scheme and host the request came to (`https://example.org`).

    Part of the keys of anything holding absolute URLs, such as structured data.
    """
    return request.build_absolute_uri("/").rstrip("/")


def sidebar_html(render: Callable[[], str]) -> str:
    """Return the sidebar, rendering it once per site version."""
    return cached(f"blog:sidebar:{site_version().token}", render)
