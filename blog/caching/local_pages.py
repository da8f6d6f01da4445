"""The whole pages a worker served last, kept in its own memory (BLOG_LOCAL_PAGE_BYTES).

A stored whole page is fetched from the shared cache in the same round trip as the
versions it must match (`post_page.PostPageCaching`). When this worker already holds a
copy under the page's key, only the versions are fetched, and the copy is served if it
is current by the very rule a fetched page must meet (`PostPageCaching._current`): the
copy saves moving its bytes from Redis again (380 KB for an uncompressed 1,000-comment
page), never a check. Least recently used copies go first once the bound is reached.
"""

import threading
from collections import OrderedDict

from django.conf import settings

_pages: OrderedDict = OrderedDict()  # key -> (page, its size in bytes), oldest first
_total = 0
_lock = threading.Lock()


def local_page(key: str):
    """Return this worker's copy of the page stored under `key`, or None."""
    with _lock:
        kept = _pages.get(key)
        if kept is None:
            return None
        _pages.move_to_end(key)
        return kept[0]


def keep_local_page(key: str, page) -> None:
    """Keep `page` (a `post_page.StoredPage`) as this worker's copy under `key`."""
    global _total
    size = sum(len(content) for content in page.variants.values())
    if size > settings.BLOG_LOCAL_PAGE_BYTES:
        return
    with _lock:
        kept = _pages.pop(key, None)
        if kept is not None:
            _total -= kept[1]
        _pages[key] = (page, size)
        _total += size
        while _total > settings.BLOG_LOCAL_PAGE_BYTES:
            _, (_, dropped) = _pages.popitem(last=False)
            _total -= dropped


def forget_local_pages() -> None:
    """Drop every copy (the tests start each test with none)."""
    global _total
    with _lock:
        _pages.clear()
        _total = 0
