"""Announcing changes to the version counters (`versions`), one at a time or grouped.

`posts_changed` and `comments_changed` are what `blog.signals` and the importers call.
Outside a group each call bumps its counters at once (`versions`). Inside
`changes_grouped()` they only note which posts changed, and from which comment tree,
and the group bumps each post once when it ends, still in the caller's transaction: an
import of a post with 13 comments bumps its post once, not 13 times (3 queries each).
What readers may see is the same either way, since nothing is committed before the
group ends.
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from blog.caching import versions
from blog.caching.versions import ALL_TREES


@dataclass
class _Group:
    posts: set[int] = field(default_factory=set)  # changed themselves: every comment page
    site: bool = False  # posts_changed was called (even with no post: a page, say)
    comment_trees: dict[int, int] = field(default_factory=dict)  # post -> first tree changed

    def announce(self) -> None:
        if self.site or self.posts:
            versions.posts_changed(self.posts)
        by_tree: dict[int, list[int]] = {}
        for post_id, tree in self.comment_trees.items():
            if post_id not in self.posts:  # a post's own change covers all its pages
                by_tree.setdefault(tree, []).append(post_id)
        for tree, post_ids in sorted(by_tree.items()):
            versions.comments_changed(post_ids, from_tree=tree)


_local = threading.local()


def _group() -> _Group | None:
    return getattr(_local, "group", None)


@contextmanager
def changes_grouped():
    """Bump each post changed inside the block once, at its end. Must run inside a
    transaction (an import's), so that nothing the block writes is seen before its
    versions change; a block that raises, or whose transaction is marked for rollback
    (a dry run), bumps nothing."""
    if _group() is not None:  # nested: the outer group announces
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("changes_grouped() needs a transaction: wrap it in atomic()")
    _local.group = group = _Group()
    try:
        yield
    finally:
        _local.group = None
    if not transaction.get_rollback():  # a dry run rolls back: nothing to announce
        group.announce()


def posts_changed(post_ids: Iterable[int]) -> None:
    """These posts changed (and so the site): see `versions.posts_changed`."""
    if (group := _group()) is None:
        versions.posts_changed(post_ids)
        return
    group.site = True
    group.posts.update(post_ids)


def comments_changed(post_ids: Iterable[int], *, from_tree: int = ALL_TREES) -> None:
    """These posts' comments changed from tree `from_tree` on: see
    `versions.comments_changed`."""
    if (group := _group()) is None:
        versions.comments_changed(post_ids, from_tree=from_tree)
        return
    for post_id in post_ids:
        known = group.comment_trees.get(post_id)
        group.comment_trees[post_id] = from_tree if known is None else min(known, from_tree)
