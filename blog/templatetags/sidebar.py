"""The sidebar of every blog page: recent posts, recent comments and the yearly archive.

Each tag runs one query, however many posts and comments there are.
"""

from django import template
from django.db.models import F

from blog.models import Post
from comments.models import Comment

register = template.Library()

RECENT_POSTS = 5
RECENT_COMMENTS = 5


@register.inclusion_tag("blog/includes/sidebar_recent_posts.html")
def recent_posts(limit: int = RECENT_POSTS) -> dict:
    """Render the latest published posts (one query)."""
    posts = Post.objects.published().only("title", "slug", "published_at")
    return {"posts": posts.order_by("-published_at", "-pk")[:limit]}


@register.inclusion_tag("blog/includes/sidebar_recent_comments.html")
def recent_comments(limit: int = RECENT_COMMENTS) -> dict:
    """Render the latest comments readers can see on the post page (one query, post joined).

    Some imported comments have no date; they count as older than any dated one.
    """
    comments = (
        Comment.objects.visible()
        .select_related("post")
        .only(
            "author_name",
            "body",
            "created_at",
            "post__title",
            "post__slug",
            "post__published_at",
        )
        .order_by(F("created_at").desc(nulls_last=True), "-pk")
    )
    return {"comments": comments[:limit]}


@register.inclusion_tag("blog/includes/sidebar_archive.html")
def archive_years() -> dict:
    """Render links to each local year that has published posts, newest first (one query)."""
    return {"years": Post.objects.published().datetimes("published_at", "year", order="DESC")}
