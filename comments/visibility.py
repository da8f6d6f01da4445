"""Which comments readers see: the one rule, stated once, as statuses.

- A **hiding** status (pending, spam) hides the comment and every reply under it.
- A **read** comment (published) under no hiding comment is shown and counted.
- A **placeholder** (removed) under no hiding comment is shown as "This comment was
  removed." while a shown published reply is somewhere below it, and disappears otherwise.

`CommentQuerySet.shown()`/`.visible()` write this in SQL over the nested-set fields (to
count and locate without loading a thread); `shown_ids` writes it in Python for a thread
already loaded (`comments.thread.build_thread`). tests/comments/test_visibility.py checks
that the two agree on generated threads.
"""

from collections.abc import Iterable
from typing import Protocol

from django.db import models


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Pending moderation"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed"


HIDING = frozenset({CommentStatus.PENDING, CommentStatus.SPAM})
READ = CommentStatus.PUBLISHED
PLACEHOLDER = CommentStatus.REMOVED


class _Row(Protocol):
    pk: int
    parent_id: int | None
    status: str


def shown_ids(ordered: Iterable[_Row]) -> set[int]:
    """Return the ids of the comments the post page shows, placeholders included.

    `ordered` is one post's comments in tree order (parents before their replies).
    """
    ordered = list(ordered)
    hidden: set[int] = set()
    for comment in ordered:
        if comment.parent_id in hidden or comment.status in HIDING:
            hidden.add(comment.pk)
    # Backwards, every reply is settled before its parent: a placeholder is kept only if
    # some reply of it is kept.
    kept: set[int] = set()
    has_kept_reply: set[int] = set()
    for comment in reversed(ordered):
        if comment.pk in hidden:
            continue
        if comment.status == READ or (
            comment.status == PLACEHOLDER and comment.pk in has_kept_reply
        ):
            kept.add(comment.pk)
            if comment.parent_id is not None:
                has_kept_reply.add(comment.parent_id)
    return kept
