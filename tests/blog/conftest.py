import os
import uuid

import pytest
from django.core.cache import cache

from blog import views as blog_views


@pytest.fixture
def discussions_built(monkeypatch):
    """Record (post id, page number) of every comment page built, not taken from the cache."""
    built = []
    real = blog_views.build_discussion_page

    def spy(post, number, origin):
        built.append((post.pk, number))
        return real(post, number, origin)

    monkeypatch.setattr(blog_views, "build_discussion_page", spy)
    return built


@pytest.fixture
def redis_cache(settings):
    """Point the cache at the Redis in TEST_REDIS_URL, under a prefix of this test's own.

    Never cleared (it may be shared); every entry expires within two minutes.
    """
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to test on Redis")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.BLOG_CACHE_SECONDS = 120
    try:
        cache.get("reachable?")
    except Exception as error:  # any client error: there is no Redis to test against
        pytest.skip(f"Redis at {url} is not reachable: {error}")


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """Run the test on the local-memory cache and on Redis (`redis_cache`, skipped without
    TEST_REDIS_URL), for tests of readers that build or wait for one builder.

    Readers wait for the builder however loaded the machine is (a waiter that gave up
    would build too); the bound on waiting has tests of its own, which set it.
    """
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    settings.BLOG_BUILD_WAIT_SECONDS = 30
    return request.param
