"""What a post page shows of the post itself, built once per post version and cached
(`blog.caching.PostPageCaching.post_parts`): its <head> extras, its article, its
description and share card, its structured data without the page's comments, and its
empty comment form (the same for every reader: no CSRF token in the page).

A page built per request (a reader with a personal cookie, a query string) then reads
the post's row alone and assembles the cached parts around the cached discussion: the
post's hashtags, citations and abstracts are read, and its templates rendered, only
when the parts are built.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from blog.models import Post
from blog.querysets import read_detail
from blog.social_cards import CardImage, post_card_image
from blog.structured_data import RawJson, blog_posting_json_ld, post_description
from comments.forms import CommentForm

# Where the article shows its comment count, which changes with every comment: the page
# puts the link there (the discussion has the count), so the article keeps for longer.
_COUNT = "\x00comment-count\x00"


@dataclass(frozen=True)
class PostParts:
    head: SafeString
    article_start: SafeString  # the article up to its comment count
    article_end: SafeString
    description: str
    card: CardImage
    json_ld: dict  # blog_posting_json_ld: the BlogPosting without its page and comments
    comment_form: SafeString

    def structured_data(self, *, page_url: str, discussion) -> dict:
        """Return the page's BlogPosting: the post's, with this comment page's URL and
        comments (serialized once with the cached discussion)."""
        data = dict(self.json_ld)
        data["mainEntityOfPage"] = {**data["mainEntityOfPage"], "@id": page_url, "url": page_url}
        data["commentCount"] = discussion.comment_count
        data["comment"] = RawJson(discussion.comments_json_ld)
        return data


def build_post_parts(post: Post, *, empty_form: bool = True) -> PostParts:
    """Render the post's parts (one query: its hashtags, its citations with papers and
    their abstracts, unless `post` came from `for_detail()`); without the empty comment
    form for a page that shows a form sent back with its errors."""
    if "citations" not in getattr(post, "_prefetched_objects_cache", {}):
        read_detail(post)
    article = render_to_string(
        "blog/includes/post_article.html", {"post": post, "comment_count_link": _COUNT}
    )
    start, end = article.split(_COUNT)
    return PostParts(
        head=mark_safe(render_to_string("blog/includes/post_head.html", {"post": post})),
        article_start=mark_safe(start),  # a template's output: escaped there
        article_end=mark_safe(end),
        description=post_description(post),
        card=post_card_image(post),
        json_ld=blog_posting_json_ld(post),
        comment_form=_empty_form(post) if empty_form else mark_safe(""),
    )


def _empty_form(post: Post) -> SafeString:
    context = {"post": post, "form": CommentForm(post=post), "tokenless": True}
    return mark_safe(render_to_string("comments/includes/form.html", context))
