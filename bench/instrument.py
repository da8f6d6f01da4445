"""Count builds in the server under `python -m bench.mixed` (only there).

config.bench_settings installs this app; it does nothing unless BENCH_COUNT_BUILDS=1.
Two counts, each as builds per version across all workers (the shared cache holds them):

- comment pages: every build adds one to `bench:builds`, the first build of each
  version (one post version's comment page: the build lock names it) to
  `bench:versions`;
- whole pages (what a reader without personal cookies is served from the cache): every
  page built and stored adds one to `bench:page-builds`, the first of each version (its
  address under one post version and site posts version: its validators) to
  `bench:page-versions`. A comment that leaves a comment page alone still retires the
  whole page showing it, so this is the rebuild a stream of comments causes.
"""

import os

from django.apps import AppConfig
from django.core.cache import cache

BUILDS = "bench:builds"
VERSIONS = "bench:versions"
PAGE_BUILDS = "bench:page-builds"
PAGE_VERSIONS = "bench:page-versions"
COUNTERS = (BUILDS, VERSIONS, PAGE_BUILDS, PAGE_VERSIONS)


def _count(key: str) -> None:
    if not cache.add(key, 1, 3600):
        cache.incr(key)


def counting(cached):
    """Wrap blog.caching's `cached(key, build, ...)` so comment page builds are counted,
    per post version (the lock names the version being built)."""

    def wrapper(key, build, **kwargs):
        if not key.startswith("blog:comment-page:"):
            return cached(key, build, **kwargs)
        version = kwargs.get("lock") or key

        def counted_build():
            _count(BUILDS)
            if cache.add(f"bench:built:{version}", 1, 3600):
                _count(VERSIONS)
            return build()

        return cached(key, counted_build, **kwargs)

    return wrapper


def counting_pages(store_page):
    """Wrap PostPageCaching.store (called for every post page built; it stores those the
    view found storable: a whole page built for readers without personal cookies) so
    whole-page builds are counted per version."""

    def wrapper(caching, response):
        if not (caching._storable and response.status_code == 200):
            return store_page(caching, response)
        post, site_posts = caching.versions
        _count(PAGE_BUILDS)
        version = f"{caching.request.path}:{post.token}:{site_posts.token}"
        if cache.add(f"bench:page-built:{version}", 1, 3600):
            _count(PAGE_VERSIONS)
        return store_page(caching, response)

    return wrapper


class InstrumentConfig(AppConfig):
    name = "bench"
    label = "bench_instrument"
    verbose_name = "Benchmark instruments"

    def ready(self):
        if os.environ.get("BENCH_COUNT_BUILDS") == "1":
            from blog.caching import post_page

            post_page.cached = counting(post_page.cached)
            page_caching = post_page.PostPageCaching
            page_caching.store = counting_pages(page_caching.store)
