"""Counters in the shared cache (Redis in production), so every app server sees them."""

from django.core.cache import cache


def count_in_window(key: str, window_seconds: int) -> int:
    """Add one to the counter under `key` and return its new value.

    The window starts with the first event and ends `window_seconds` later: later events
    do not extend it, and the next event after it starts a new one at 1.
    """
    cache.add(key, 0, window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired (or evicted) between add() and incr()
        cache.set(key, 1, window_seconds)
        return 1
