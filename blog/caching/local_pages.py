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

_pages: OrderedDict = OrderedDict()
_sizes: dict[str, int] = {}
_lock = threading.Lock()


def _size(page) -> int:
    return sum(len(content) for content in page.variants.values())


def local_page(key: str):
    """Return this worker's copy of the page stored under `key`, or None."""
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
        return page


def keep_local_page(key: str, page) -> None:
    """Keep `page` (a `post_page.StoredPage`) as this worker's copy under `key`."""
    limit = settings.BLOG_LOCAL_PAGE_BYTES
    size = _size(page)
    if size > limit:
        return
    with _lock:
        _pages.pop(key, None)
        _pages[key] = page
        _sizes[key] = size
        while sum(_sizes.values()) > limit:
            dropped, _ = _pages.popitem(last=False)
            del _sizes[dropped]


def forget_local_pages() -> None:
    """Drop every copy (the tests start each test with none)."""
    with _lock:
        _pages.clear()
        _sizes.clear()
