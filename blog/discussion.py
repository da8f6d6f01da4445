"""The discussion on a post page: one page of the post's comments, ready to show.

In two parts, so that a new comment does not rebuild the pages it does not change:

- a **comment page** (`DiscussionPage`): its comments' markup and structured data, which
  change only with comments on that page or before it in tree order (or in the tree of
  its last comment, whose reply counts it shows). Built from one query that reads only
  its own comments however long the thread (`comments.thread_page.read_thread_page`),
  assembled from their stored markup with its structured data serialized once, and
  cached per page by the post page (`blog.caching`), so readers of a long thread pay for
  it once per change that reaches it;
- the **counts** every page shows (`ThreadCounts`: "N comments", which pages there are),
  which change with any comment; `assemble_discussion` puts them around a comment page.
"""

import math
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Count, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from blog.models import Post
from blog.structured_data import RawJson, comments_json_ld, serialize_json_ld
from comments.models import Comment
from comments.thread_html import render_thread_page
from comments.thread_page import read_thread_page
from comments.visibility import PLACEHOLDER


@dataclass(frozen=True)
class ThreadCounts:
    """How many comments a thread shows: counted (`comments`, what the page says) and
    with the placeholders of removed ones (`shown`, what the pages are cut from)."""

    comments: int
    shown: int

    def num_pages(self) -> int:
        return max(1, math.ceil(self.shown / settings.COMMENTS_PER_PAGE))


def thread_counts(post: Post) -> ThreadCounts:
    """Return the post's ThreadCounts (one query), as `build_thread` counts them."""
    counts = (
        Comment.objects.filter(post=post)
        .shown()
        .aggregate(shown=Count("pk"), comments=Count("pk", filter=~Q(status=PLACEHOLDER)))
    )
    return ThreadCounts(comments=counts["comments"], shown=counts["shown"])


@dataclass(frozen=True)
class DiscussionPage:
    """One comment page's own content: its comments as nested articles (`articles`) and
    as schema.org items (`comments_json_ld`).

    `last_tree` is the comment tree its last comment is in (None for the thread's last
    page, which a new thread would reach): the page changes only with comments in that
    tree or earlier ones. `counts` are the whole thread's when it was built.
    """

    number: int
    articles: SafeString
    comments_json_ld: RawJson
    last_tree: int | None
    counts: ThreadCounts


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


def build_discussion_page(post: Post, number: int, origin: str) -> DiscussionPage:
    """Return comment page `number` of the post (one query). Raises Http404 for a page
    the thread does not have.

    `origin` (e.g. `https://example.org`) makes the structured data's URLs absolute.
    """
    try:
        page = read_thread_page(post, number, settings.COMMENTS_PER_PAGE)
    except InvalidPage:
        raise Http404("That page of comments does not exist.") from None
    page_url = cache(post.comments_page_url)
    return DiscussionPage(
        number=page.number,
        articles=render_thread_page(page, page_url),
        comments_json_ld=serialize_json_ld(comments_json_ld(page, lambda n: origin + page_url(n))),
        last_tree=page.nodes[-1].comment.tree_id if page.has_next else None,
        counts=ThreadCounts(comments=page.comment_count, shown=page.shown_count),
    )


def assemble_discussion(post: Post, page: DiscussionPage, counts: ThreadCounts) -> Discussion:
    """Return the discussion of a comment page with the thread's current counts (no query)."""
    number = page.number
    num_pages = max(counts.num_pages(), number)
    page_url = cache(post.comments_page_url)
    previous_url = page_url(number - 1) if number > 1 else ""
    next_url = page_url(number + 1) if number < num_pages else ""
    html = render_to_string(
        "comments/includes/discussion.html",
        {
            "comment_count": counts.comments,
            "number": number,
            "num_pages": num_pages,
            "articles": page.articles,
            "pages": [(n, page_url(n)) for n in range(1, num_pages + 1)],
            "previous_url": previous_url,
            "next_url": next_url,
        },
    )
    return Discussion(
        html=html,
        comments_json_ld=page.comments_json_ld,
        comment_count=counts.comments,
        number=number,
        num_pages=num_pages,
        url=page_url(number),
        previous_url=previous_url,
        next_url=next_url,
    )


def build_discussion(post: Post, number: int, origin: str) -> Discussion:
    """Return comment page `number` of the post with its counts, uncached (one query)."""
    page = build_discussion_page(post, number, origin)
    return assemble_discussion(post, page, page.counts)
