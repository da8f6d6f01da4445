"""Count discussion builds in the server under `python -m bench.mixed` (only there).

config.bench_settings installs this app; it does nothing unless BENCH_COUNT_BUILDS=1.
Every build of a comment page adds one to `bench:builds` in the shared cache, and the
first build of each version of it (one post version's page) to `bench:versions`,
so builds / versions is the rebuilds per version across all workers.
"""

import os

from django.apps import AppConfig
from django.core.cache import cache

BUILDS = "bench:builds"
VERSIONS = "bench:versions"


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


class InstrumentConfig(AppConfig):
    name = "bench"
    label = "bench_instrument"
    verbose_name = "Benchmark instruments"

    def ready(self):
        if os.environ.get("BENCH_COUNT_BUILDS") == "1":
            from blog.caching import post_page

            post_page.cached = counting(post_page.cached)
