"""The sidebar of every blog page: recent posts, recent comments and the yearly archive.

Its three parts are read in one query however many posts and comments there are
(`PostQuerySet.for_sidebar`), and the whole sidebar is rendered once per site version and
cached (`blog.caching`): it is the same on every page.
"""

import datetime

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from blog.caching import sidebar_html
from blog.models import Post
from comments.models import Comment

register = template.Library()

RECENT_POSTS = 5
RECENT_COMMENTS = 5


@register.simple_tag
def sidebar() -> SafeString:
    """Render the sidebar from the cache; on a miss, read its three parts (one query)."""
    # The templates escape what they show, as any template does.
    return mark_safe(
        sidebar_html(lambda: render_to_string("blog/includes/sidebar.html", sidebar_parts()))
    )


def sidebar_parts() -> dict:
    """Return what the sidebar shows (one query): `posts`, the latest published posts;
    `comments`, the latest comments readers can see on the post page (undated imported
    ones count as older than any dated one); `years`, each local year with published
    posts, newest first."""
    posts = list(Post.objects.for_sidebar(posts=RECENT_POSTS, comments=RECENT_COMMENTS))
    if not posts:
        return {"posts": [], "comments": [], "years": []}
    rows = [_comment(row) for row in posts[0].recent_comments or []]
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return {
        "posts": posts,
        "comments": [comment for _, comment in rows],
        "years": sorted(posts[0].years or [], reverse=True),
    }


def _comment(row: dict) -> tuple[tuple, Comment]:
    """Return a recent comment read as JSON, with its sort key (newest first)."""
    comment = Comment(
        pk=row["id"],
        author_name=row["author_name"],
        author_email=row["author_email"],
        ip_address=row["ip_address"],
        body=row["body"],
    )
    comment.post = Post(pk=row["post_id"], title=row["post_title"])
    created = _moment(row["created_at"])
    return (created is not None, created or datetime.datetime.min, row["id"]), comment


def _moment(text: str | None) -> datetime.datetime | None:
    """A datetime as JSON holds it: ISO 8601, naive on SQLite (UTC), aware on PostgreSQL."""
    if text is None:
        return None
    moment = datetime.datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)
