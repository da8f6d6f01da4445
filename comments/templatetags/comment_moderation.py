"""The Discussion section of a post's admin change page: its thread, for moderators."""

from collections import Counter
from dataclasses import dataclass

from django import template
from django.contrib import admin

from comments.models import Comment
from comments.moderation import ModerationAction, moderation_actions
from comments.thread import build_thread

register = template.Library()


@dataclass(frozen=True, slots=True)
class DiscussionRow:
    """One comment of the thread: its level (1 for a comment on the post, 2 for a reply to
    it, ...), the comment it answers, the quick actions that apply, and whether readers
    see it on the post page (so it has a permalink there).
    """

    comment: Comment
    level: int
    parent: Comment | None
    actions: list[ModerationAction]
    on_site: bool


@register.inclusion_tag("admin/comments/post_discussion.html", takes_context=True)
def post_discussion(context, post):
    """Render the post's whole thread with status counts and quick actions.

    Shown only to staff who may view comments; the buttons only to those who may change
    them. Runs one query (the comments) whatever the thread's size.
    """
    request = context["request"]
    comment_admin = admin.site.get_model_admin(Comment)
    if not comment_admin.has_view_permission(request):
        return {"show": False}
    # Through the related manager every comment's .post is this post: no query per link.
    comments = list(post.comments.order_by("tree_id", "lft"))
    by_pk = {comment.pk: comment for comment in comments}
    readers_see = set()
    if post.is_published():
        readers_see = {node.comment.pk for node in build_thread(comments)}
    rows = [
        DiscussionRow(
            comment=comment,
            level=comment.level + 1,
            parent=by_pk.get(comment.parent_id),
            actions=moderation_actions(comment.status),
            on_site=comment.pk in readers_see,
        )
        for comment in comments
    ]
    counts = Counter(comment.status for comment in comments)
    return {
        "show": True,
        "post": post,
        "rows": rows,
        "total": len(comments),
        "counts": [(value, label, counts[value]) for value, label in Comment.Status.choices],
        "can_change": comment_admin.has_change_permission(request),
        "csrf_token": context.get("csrf_token"),
    }
