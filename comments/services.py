"""Writes to comment threads. Every structural change of a tree goes through here."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from comments.moderation import (
    Submission,
    check_duplicate,
    check_flood,
    check_rate_limit,
    client_key,
    decide_status,
    lock_submitter,
)
from comments.notifications import notify_about
from comments.signals import comments_changed
from comments.thread_store import refreshes_grouped
from comments.trees import lock_tree, lock_tree_of


@transaction.atomic
def comment_create(
    *,
    post,
    body: str,
    parent: Comment | None = None,
    author_name: str = "",
    author_email: str = "",
    author_url: str = "",
    status: str = Comment.Status.PUBLISHED,
    created_at: datetime.datetime | None = None,
    source_ref: str = "",
    notify_replies: bool = False,
    ip_address: str | None = None,
    badge: str = "",
    client_network: str = "",
) -> Comment:
    """Add a comment as the last reply to `parent` (or as the post's last thread).

    The flood check counts a client by `client_network`, taken from `ip_address` unless
    given.

    The insert holds a lock on the parent's tree (or, for a new thread, on tree creation),
    because django-mptt reads and shifts `lft`/`rght` without locking.
    """
    if parent is not None:
        parent = _lock_node(parent)
        if parent.post_id != post.pk:
            raise ValueError("a reply must belong to its parent's post")
    else:
        lock_tree(0)
    comment = Comment(
        post=post,
        parent=parent,
        body=body,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        status=status,
        created_at=created_at,
        source_ref=source_ref,
        notify_replies=notify_replies,
        ip_address=ip_address,
        badge=badge,
        client_network=client_network or (client_key(ip_address) if ip_address else ""),
    )
    comment.full_clean(exclude=["parent", "post"])
    # Its place, from the parent as read under the lock (mptt would read it again).
    Comment.objects.insert_node(comment, parent, position="last-child", refresh_target=False)
    comment.save()
    return comment


@dataclass(frozen=True)
class CommentSync:
    """What comments_sync_imported changed: the refs ("3.2") of the comments, by change."""

    added: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.edited or self.removed)

    def counts(self) -> dict[str, int]:
        """Return the number of comments per change, only the non-zero ones."""
        counts = {"added": len(self.added), "edited": len(self.edited)}
        counts["removed"] = len(self.removed)
        return {change: count for change, count in counts.items() if count}

    def describe(self) -> list[str]:
        """Return one line per comment changed, e.g. "comment 3.2 added"."""
        return [
            f"comment {ref} {change}"
            for change, refs in (
                ("added", self.added),
                ("edited", self.edited),
                ("removed", self.removed),
            )
            for ref in refs
        ]


@transaction.atomic
def comments_sync_imported(*, post, comments) -> CommentSync:
    """Make the post's imported comments match the document's; return what changed.

    Comments are matched by their position in the document (`source_ref`, e.g. "3.2").
    Text changes are made in place; new positions are added as last replies, so a thread
    that grew at its end keeps its order. An imported comment the document no longer has
    is marked removed rather than deleted, so replies posted here are never lost.
    Comments posted on the site (blank `source_ref`) are never touched.
    """
    with refreshes_grouped():  # the thread's stored page values, once at the end
        return _sync_imported(post, comments)


def _sync_imported(post, comments) -> CommentSync:
    existing = {c.source_ref: c for c in Comment.objects.filter(post=post).exclude(source_ref="")}
    by_ref: dict[str, Comment] = {}
    added, edited, removed = [], [], []
    for parsed in comments:
        comment = existing.get(parsed.ref)
        parent = by_ref[parsed.parent_ref] if parsed.parent_ref else None
        if comment is None:
            comment = comment_create(
                post=post,
                parent=parent,
                body=parsed.body,
                author_name=parsed.author_name,
                source_ref=parsed.ref,
            )
            added.append(parsed.ref)
        else:
            wanted = {
                "body": parsed.body,
                "author_name": parsed.author_name,
                "status": Comment.Status.PUBLISHED,
            }
            changed = [field for field, value in wanted.items() if getattr(comment, field) != value]
            if changed:
                for field in changed:
                    setattr(comment, field, wanted[field])
                comment.full_clean(exclude=["parent", "post"])
                comment.save()
                edited.append(parsed.ref)
        by_ref[parsed.ref] = comment
    for ref, comment in existing.items():
        if ref not in by_ref and comment.status != Comment.Status.REMOVED:
            comment.status = Comment.Status.REMOVED
            comment.save(update_fields=["status", "body_html", "updated_at"])
            removed.append(ref)
    return CommentSync(added=tuple(added), edited=tuple(edited), removed=tuple(removed))


@transaction.atomic
def comment_delete(comment: Comment) -> None:
    """Delete a comment and its replies, closing the gap in its tree under the tree's lock."""
    comment = _lock_node(comment)
    with refreshes_grouped():  # one refresh of the thread, not one per reply deleted
        comment.delete()


@transaction.atomic
def comments_delete(comments: Iterable[Comment]) -> int:
    """Delete these comments with their replies, each under its tree's lock; return how
    many of them were still there (one may go with a reply's deletion of its parent)."""
    deleted = 0
    with refreshes_grouped():
        for pk in [comment.pk for comment in comments]:
            try:
                comment_delete(Comment(pk=pk))
            except Comment.DoesNotExist:
                continue
            deleted += 1
    return deleted


@transaction.atomic
def comment_move(comment: Comment, *, new_parent: Comment | None) -> Comment:
    """Move a comment (with its replies) under another comment of the same post, or to the top.

    Locks both trees involved, in a fixed order so two moves cannot deadlock, plus tree
    creation when the comment becomes a thread of its own.
    """
    trees = {Comment.objects.values_list("tree_id", flat=True).get(pk=comment.pk)}
    if new_parent is not None:
        trees.add(Comment.objects.values_list("tree_id", flat=True).get(pk=new_parent.pk))
    else:
        trees.add(0)
    for tree_id in sorted(trees):
        lock_tree(tree_id)
    comment = Comment.objects.get(pk=comment.pk)
    if new_parent is None:
        Comment.objects.move_node(comment, None, position="last-child")
    else:
        new_parent = Comment.objects.get(pk=new_parent.pk)
        if new_parent.post_id != comment.post_id:
            raise ValueError("a comment can only move within its post")
        if new_parent.is_descendant_of(comment, include_self=True):
            raise ValueError("a comment cannot move under itself or its own replies")
        Comment.objects.move_node(comment, new_parent, position="last-child")
    return Comment.objects.get(pk=comment.pk)


def _lock_node(node: Comment) -> Comment:
    """Lock the tree a node is in and return the node re-read under the lock.

    mptt computes positions from the in-memory `lft`/`rght`, so they must be read after
    the lock is held, never before.
    """
    while True:
        tree_id = lock_tree_of(node.pk)
        fresh = Comment.objects.get(pk=node.pk)
        if tree_id is None or fresh.tree_id == tree_id:  # not moved while we waited
            return fresh


def reply_target(parent: Comment | None) -> Comment | None:
    """Return where a reply attaches: at most COMMENTS_MAX_DEPTH levels deep.

    As in WordPress, a reply to a comment at the maximum depth becomes a sibling of it
    (it attaches to that comment's parent), so threads never grow deeper than allowed.
    """
    max_level = settings.COMMENTS_MAX_DEPTH - 1
    while parent is not None and parent.level >= max_level:
        parent = parent.parent
    return parent


def comment_submit(*, submission: Submission) -> Comment:
    """Apply the abuse rules to a reader's comment, store it, and queue its notifications.

    Raises CommentRefused when the comment may not be posted at all (rate limit, flood,
    duplicate); otherwise stores it as published, pending or spam. The flood and duplicate
    checks run under `lock_submitter`, in the transaction that stores the comment, so
    simultaneous submissions cannot all pass them.
    """
    check_rate_limit(submission.ip_address)
    with transaction.atomic():
        lock_submitter(submission)
        check_flood(submission)
        check_duplicate(submission)
        status, reason = decide_status(submission)
        comment = comment_create(
            post=submission.post,
            parent=reply_target(submission.parent),
            body=submission.body,
            author_name=submission.author_name,
            author_email=submission.author_email,
            status=status,
            created_at=timezone.now(),
            notify_replies=submission.notify_replies and bool(submission.author_email),
            ip_address=submission.ip_address,
            badge=submission.badge,
            client_network=client_key(submission.ip_address),
        )
        notify_about(comment, reason=reason)  # queued with the comment, sent by the worker
    return comment


def comments_unsubscribe(*, comment: Comment) -> int:
    """Stop reply emails for the commenter's address on this post; return how many changed."""
    if not comment.author_email:
        return 0
    return Comment.objects.filter(
        post_id=comment.post_id, author_email__iexact=comment.author_email, notify_replies=True
    ).update(notify_replies=False)


@transaction.atomic
def comments_set_status(queryset, status: str) -> int:
    """Moderate many comments at once (approve, spam, remove, restore); return how many.

    One UPDATE, which sends no model signals, so it sends `comments_changed`.
    """
    changing = queryset.exclude(status=status)
    post_ids = set(changing.values_list("post_id", flat=True).distinct())
    count = changing.update(status=status, updated_at=timezone.now())
    if count:
        comments_changed.send(sender=Comment, post_ids=post_ids)
    return count
