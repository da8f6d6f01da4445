"""The sidebar of every blog page: recent posts, recent comments and the yearly archive.

Each part runs one query, however many posts and comments there are, and the whole
sidebar is rendered once per site version and cached (`blog.caching`): it is the same on
every page.
"""

from django import template
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from blog.caching import sidebar_html
from blog.models import Post
from comments.models import Comment

register = template.Library()

RECENT_POSTS = 5
RECENT_COMMENTS = 5


@register.simple_tag
def sidebar() -> SafeString:
    """Render the sidebar from the cache; on a miss, its three parts (three queries)."""
    # The template escapes what it shows, as any template does.
    return mark_safe(sidebar_html(lambda: render_to_string("blog/includes/sidebar.html")))


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
            "author_email",  # an unnamed commenter's label (comments.identity)
            "ip_address",
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
