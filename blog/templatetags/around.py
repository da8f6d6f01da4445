"""Under each post: the previous and next posts, and related posts.

One query, run once per site posts version and cached (`blog.caching.around_post_html`).
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from blog.caching import around_post_html
from blog.models import Post

register = template.Library()

RELATED_POSTS = 3


def _around(post) -> dict:
    published = Post.objects.published().only("title", "slug", "published_at")
    return published.around(post, related=RELATED_POSTS)


@register.simple_tag
def around_post(post) -> SafeString:
    """Render the post's neighbours and related posts; `post` comes from `for_detail()`."""

    def render() -> str:
        return render_to_string("blog/includes/around_post.html", _around(post))

    # The template escapes what it shows, as any template does.
    return mark_safe(around_post_html(post.pk, render))
