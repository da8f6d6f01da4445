"""One build per cached entry (blog.caching.fragments.cached): readers that miss the same
key at once wait for one builder instead of each building it.

Threads share the test's cache: the locmem cache by default, Redis too when
TEST_REDIS_URL is set (`cache_backend`, tests/blog/conftest.py). The builds are plain
functions, so no thread needs the test database.
"""

import threading
import time
import uuid

import pytest
from django.core.cache import cache
from django.utils.safestring import mark_safe

from blog.caching import ALL_TREES, PostPageCaching, cached
from blog.caching.versions import Version, _keep, post_key
from blog.discussion import DiscussionPage, ThreadCounts

READERS = 8


class SlowBuild:
    """A build that takes `seconds` and counts how often it ran."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.runs = 0
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.runs += 1
        time.sleep(self.seconds)
        return f"built {uuid.uuid4().hex}"


def at_once(readers: int, read) -> list:
    """Run `read()` in `readers` threads released together; return what each got."""
    results = [None] * readers
    start = threading.Barrier(readers)

    def reader(index):
        start.wait()
        results[index] = read()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_readers_of_one_key_build_it_once(cache_backend):
    build = SlowBuild(0.2)
    results = at_once(READERS, lambda: cached("test:one-key", build))
    assert build.runs == 1
    assert len(set(results)) == 1
    assert cached("test:one-key", build) == results[0]  # and it was stored
    assert build.runs == 1


def test_concurrent_readers_of_a_retired_comment_page_build_it_once(cache_backend, rf):
    """The post page's comment pages go through the same lock, per post version."""

    class Post:
        pk = 1

        def get_absolute_url(self):
            return "/2026/11/hot/"

        def comments_page_url(self, number):
            return self.get_absolute_url()

    def version(counter: int) -> Version:  # as read from the database, before the readers
        return Version(f"v{counter}", 0.0, counter, ((ALL_TREES, counter),))

    builds = SlowBuild(0.2)

    def page(post, number, origin) -> DiscussionPage:
        return DiscussionPage(number, mark_safe(builds()), [], None, ThreadCounts(1, 1))

    caching = PostPageCaching(rf.post("/"), "hot")  # not revalidatable: reads no versions

    def read():
        return caching.discussion(Post(), 1, page).html

    _keep(post_key(1), version(1), 60)
    first = at_once(READERS, read)
    _keep(post_key(1), version(2), 60)  # a comment changed the post's comment pages
    second = at_once(READERS, read)
    assert builds.runs == 2
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]


def test_a_reader_waits_at_most_the_stated_time_then_builds_itself(settings):
    settings.BLOG_BUILD_WAIT_SECONDS = 0.1
    cache.add("test:stuck:building", 1, 60)  # a builder that never finishes
    build = SlowBuild(0)
    started = time.monotonic()
    value = cached("test:stuck", build)
    waited = time.monotonic() - started
    assert value.startswith("built ")
    assert build.runs == 1
    assert 0.1 <= waited < 0.5


def test_a_reader_that_cannot_take_the_lock_and_sees_none_held_does_not_wait(settings, monkeypatch):
    """A cache that is down answers every `add` with False and holds no lock: build at
    once rather than wait for a builder that does not exist."""
    settings.BLOG_BUILD_WAIT_SECONDS = 5
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    build = SlowBuild(0)
    started = time.monotonic()
    cached("test:no-lock", build)
    assert build.runs == 1
    assert time.monotonic() - started < 0.5


def test_the_lock_is_released_when_the_build_fails():
    def failing():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cached("test:failing", failing)
    assert cache.get("test:failing:building") is None
    assert cached("test:failing", lambda: "second try") == "second try"
