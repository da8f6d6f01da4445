"""The discussion on a post page: one page of the post's comments, ready to show.

Built from one query that reads only the page's comments, however long the thread
(`comments.thread.read_thread_page`), assembled from their stored markup, and cached per
post version by the post page (`blog.caching`) with its structured data already
serialized, so readers of a long thread pay for it once per change.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from blog.models import Post
from blog.structured_data import RawJson, comments_json_ld, serialize_json_ld
from comments.thread import read_thread_page
from comments.thread_html import render_thread_page


@dataclass(frozen=True)
class Discussion:
    """One comment page of a post, as the post page shows it.

    `html` is the inside of the page's comments section (heading, comments, page links);
    `comments_json_ld` the same comments as schema.org items, serialized once here;
    `url` is the page's own address (its canonical URL), the other URLs are for
    `<link rel="prev|next">`.
    """

    html: SafeString
    comments_json_ld: RawJson
    comment_count: int
    number: int
    num_pages: int
    url: str
    previous_url: str
    next_url: str


def build_discussion(post: Post, number: int, origin: str) -> Discussion:
    """Return comment page `number` of the post (one query). Raises Http404 for a page
    the thread does not have.

    `origin` (e.g. `https://example.org`) makes the structured data's URLs absolute.
    """
    try:
        page = read_thread_page(post, number, settings.COMMENTS_PER_PAGE)
    except InvalidPage:
        raise Http404("That page of comments does not exist.") from None
    page_url = cache(post.comments_page_url)
    previous_url = page_url(page.number - 1) if page.has_previous else ""
    next_url = page_url(page.number + 1) if page.has_next else ""
    html = render_to_string(
        "comments/includes/discussion.html",
        {
            "page": page,
            "articles": render_thread_page(page, page_url),
            "pages": [(n, page_url(n)) for n in range(1, page.num_pages + 1)],
            "previous_url": previous_url,
            "next_url": next_url,
        },
    )
    return Discussion(
        html=html,
        comments_json_ld=serialize_json_ld(comments_json_ld(page, lambda n: origin + page_url(n))),
        comment_count=page.comment_count,
        number=page.number,
        num_pages=page.num_pages,
        url=page_url(page.number),
        previous_url=previous_url,
        next_url=next_url,
    )
