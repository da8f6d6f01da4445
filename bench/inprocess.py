"""Time requests and comment inserts inside this process, through Django's full stack."""

import random
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.report import Timing
from blog.models import Post
from comments.models import Comment
from comments.moderation import Submission
from comments.services import comment_submit

MIN_SAMPLES = 5


def clear_caches() -> None:
    """Empty the site's caches, touching only this run's keys in a shared Redis.

    Django's RedisCache.clear() flushes the whole Redis database, which other processes
    may be using; the harness gives its cache a key prefix of its own and deletes those.
    """
    for alias in settings.CACHES:
        cache = caches[alias]
        if isinstance(cache, RedisCache):
            if not cache.key_prefix:
                raise RuntimeError("refusing to clear a shared Redis cache without a key prefix")
            client = cache._cache.get_client(None, write=True)
            keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        else:
            cache.clear()


class Measurer:
    def __init__(self, *, repeat: int, warmup: int, budget_s: float, seed: int):
        self.repeat = repeat
        self.warmup = warmup
        self.budget_s = budget_s
        self.client = Client()
        self.random = random.Random(seed)
        self.replies = 0

    def _get(self, path: str, headers: dict[str, str] | None = None):
        response = self.client.get(path, secure=True, headers=headers or {})
        if response.status_code >= 400:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def _sample(self, action: Callable[[], object], before: Callable[[], None] | None):
        """Warm up, then time `action` up to `repeat` times (fewer once over the budget)."""
        # Warm up (templates compiled, connections open), but not for ages on slow pages.
        warm_until = time.perf_counter() + self.budget_s / 3
        for _ in range(self.warmup):
            if before:
                before()
            action()
            if time.perf_counter() > warm_until:
                break
        samples, result = [], None
        deadline = time.perf_counter() + self.budget_s
        while len(samples) < self.repeat:
            if len(samples) >= MIN_SAMPLES and time.perf_counter() > deadline:
                break
            if before:
                before()
            started = time.perf_counter()
            result = action()
            samples.append((time.perf_counter() - started) * 1000)
        if before:
            before()
        with CaptureQueriesContext(connection) as queries:
            action()
        return samples, len(queries.captured_queries), result

    def get(
        self,
        key: str,
        label: str,
        path: str,
        *,
        cold: bool = False,
        headers: dict[str, str] | None = None,
        size: int | None = None,
        note: str = "",
    ) -> Timing:
        samples, queries, response = self._sample(
            lambda: self._get(path, headers), clear_caches if cold else None
        )
        return Timing(key, label, samples, queries, response.status_code, size, note)

    def conditional(self, key: str, label: str, path: str, *, size: int) -> Timing:
        """Repeat a GET carrying the validators (ETag, Last-Modified) of an earlier answer."""
        first = self._get(path)
        headers = {}
        if first.has_header("ETag"):
            headers["If-None-Match"] = first["ETag"]
        if first.has_header("Last-Modified"):
            headers["If-Modified-Since"] = first["Last-Modified"]
        note = "" if headers else "the site sent no ETag or Last-Modified: plain GETs"
        return self.get(key, label, path, headers=headers, size=size, note=note)

    def reply_insert(self, post: Post, *, size: int) -> Timing:
        """Post replies through comment_submit (abuse rules included), each committed.

        Each reply answers a random published comment of the post, from its own address
        and email so flood control and the rate limit let it through, as the form would.
        """
        candidates = list(
            Comment.objects.filter(post=post, status=Comment.Status.PUBLISHED).values_list(
                "pk", flat=True
            )
        )

        def insert() -> Comment:
            self.replies += 1
            n = self.replies
            parent = None
            if candidates:
                parent = Comment.objects.get(pk=self.random.choice(candidates))
            submission = Submission(
                post=post,
                parent=parent,
                author_name=f"Benchmark reader {n}",
                author_email=f"reader{n}@example.org",
                body=f"Reply {n} from the benchmark. I agree with most of this.",
                notify_replies=False,
                ip_address=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
            )
            comment = comment_submit(submission=submission)
            if comment.status != Comment.Status.PUBLISHED:
                raise RuntimeError(f"benchmark reply was stored as {comment.status}")
            return comment

        samples, queries, _ = self._sample(insert, None)
        label = f"reply insert, {size:,} comments"
        return Timing(f"reply-{size}", label, samples, queries, "committed", size)
