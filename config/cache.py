"""The shared cache as an accelerator: Redis failing makes the site slower, never broken.

`ResilientRedisCache` is Django's Redis backend with short socket timeouts (set in
settings) and every operation guarded: a Redis error or timeout is logged and answered as
a miss (`get` returns the default, `add` False, `incr` raises ValueError as for a missing
key, writes do nothing), so pages are built from the database and served uncached.

After a failure the process stops asking Redis for RETRY_AFTER seconds (an OPTIONS key,
default 5) and answers every operation as a miss at once, so a frozen Redis costs one
timeout per process every few seconds, not one per cache call. `cache_degraded()` tells
callers (the health view, the admin login throttle) whether that is the case now.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# What a broken or unreachable Redis raises: redis-py's errors (connection, timeout,
# protocol, read-only replica, ...) and the socket errors under them.
CACHE_ERRORS = (RedisError, OSError)


class _Breaker:
    """Per process and location: when the last error happened and what it was."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.last_error = ""

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, error: Exception, retry_after: float, operation: str) -> None:
        with self.lock:
            was_open = self.is_open()
            self.open_until = time.monotonic() + retry_after
            self.last_error = f"{type(error).__name__}: {error}"
        if not was_open:
            logger.warning(
                "cache unavailable (%s on %s); serving without it for %ss",
                self.last_error,
                operation,
                retry_after,
            )

    def close(self) -> None:
        self.open_until = 0.0


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker())


class _OneClientPerPool(RedisCacheClient):
    """Django's Redis client makes a new redis.Redis object for every cache call (some
    0.25 ms of CPU each, a quarter of a cached post page's 304); one per connection pool
    serves every call and thread alike (it takes a connection from the pool per command)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        # No retries inside redis-py (by default it retries three times with back-off, which
        # would multiply every timeout): a failure is a miss at once.
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _OneClientPerPool
        self.breaker = _breaker_for(str(server))

    def _guard(self, operation: str, call, fallback):
        if self.breaker.is_open():
            return fallback()
        try:
            return call()
        except CACHE_ERRORS as error:
            self.breaker.trip(error, self.retry_after, operation)
            return fallback()

    def ping(self) -> str:
        """Ask Redis directly, past the breaker; return "" if it answers, else the error."""
        try:
            self._cache.get_client(write=True).ping()
        except CACHE_ERRORS as error:
            self.breaker.trip(error, self.retry_after, "ping")
            return f"{type(error).__name__}: {error}"
        self.breaker.close()
        return ""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: False,
        )

    def get(self, key, default=None, version=None):
        return self._guard(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key, version=None):
        return self._guard(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: False,
        )

    def get_many(self, keys, version=None):
        return self._guard(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            dict,
        )

    def has_key(self, key, version=None):
        return self._guard(
            "has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: False,
        )

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (cache unavailable).")

        return self._guard(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), missing
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def delete_many(self, keys, version=None):
        return self._guard(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def clear(self):
        return self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), lambda: None)


def cache_degraded(alias: str = "default") -> bool:
    """Return True if this process is serving without the cache because it failed lately."""
    backend = caches[alias]
    return isinstance(backend, ResilientRedisCache) and backend.breaker.is_open()


def cache_status(alias: str = "default") -> str:
    """Check the cache now: "" if it works (or is local memory), else the error."""
    backend = caches[alias]
    if isinstance(backend, ResilientRedisCache):
        return backend.ping()
    return ""
