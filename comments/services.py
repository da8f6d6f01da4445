"""Writes to comment threads. Every structural change of a tree goes through here."""

import datetime

from django.db import transaction

from comments.models import Comment
from comments.trees import lock_tree


@transaction.atomic
def comment_create(
    *,
    post,
    body: str,
    parent: Comment | None = None,
    author_name: str = "",
    author_email: str = "",
    status: str = Comment.Status.PUBLISHED,
    created_at: datetime.datetime | None = None,
    source_ref: str = "",
) -> Comment:
    """Add a comment as the last reply to `parent` (or as the post's last thread).

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
        status=status,
        created_at=created_at,
        source_ref=source_ref,
    )
    comment.full_clean(exclude=["parent", "post"])
    comment.save()
    return comment


@transaction.atomic
def comments_sync_imported(*, post, comments) -> list[str]:
    """Make the post's imported comments match the document's; return what changed.

    Comments are matched by their position in the document (`source_ref`, e.g. "3.2").
    Text changes are made in place; new positions are added as last replies, so a thread
    that grew at its end keeps its order. An imported comment the document no longer has
    is marked removed rather than deleted, so replies posted here are never lost.
    Comments posted on the site (blank `source_ref`) are never touched.
    """
    existing = {c.source_ref: c for c in Comment.objects.filter(post=post).exclude(source_ref="")}
    by_ref: dict[str, Comment] = {}
    changes: list[str] = []
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
            changes.append(f"comment {parsed.ref} added")
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
                changes.append(f"comment {parsed.ref} edited")
        by_ref[parsed.ref] = comment
    for ref, comment in existing.items():
        if ref not in by_ref and comment.status != Comment.Status.REMOVED:
            comment.status = Comment.Status.REMOVED
            comment.save(update_fields=["status", "body_html", "updated_at"])
            changes.append(f"comment {ref} removed")
    return changes


@transaction.atomic
def comment_delete(comment: Comment) -> None:
    """Delete a comment and its replies, closing the gap in its tree under the tree's lock."""
    comment = _lock_node(comment)
    comment.delete()


def _lock_node(node: Comment) -> Comment:
    """Lock the tree a node is in and return the node re-read under the lock.

    mptt computes positions from the in-memory `lft`/`rght`, so they must be read after
    the lock is held, never before.
    """
    while True:
        tree_id = Comment.objects.filter(pk=node.pk).values_list("tree_id", flat=True).get()
        lock_tree(tree_id)
        fresh = Comment.objects.get(pk=node.pk)
        if fresh.tree_id == tree_id:  # not moved to another tree while we waited
            return fresh
