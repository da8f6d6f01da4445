"""Assemble one page of a thread as the nested <article> markup of the post page.

Each comment's own markup is stored with it (comments.markup, rendered when it was
written); this adds the nesting (articles, replies containers, the comments a page
continues) and points links to other comments at the page that shows them. Python
string building rather than a template, as comments.markup explains; every value that
comes from a reader is escaped here or was escaped when stored.
"""

import re
from collections.abc import Callable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from comments.markup import IN_REPLY_TO_HREF, REMOVED_TEXT, url_format
from comments.thread import ThreadNode, ThreadPage

# Microformats2: each shown comment is a `p-comment h-entry` of the post (or, for a
# reply, of its parent comment), with its author, date, text and address.
_OPEN_ARTICLE = '<article id="comment-{pk}" class="{classes}">\n'
_SHOWN = "comment p-comment h-entry"
_REMOVED = "comment comment-removed"
_REMOVED_NOTE = f'  <p class="comment-removed-note">{REMOVED_TEXT}</p>\n'
# Replies nest inside their parent's article, in a <details> open by default so a link to
# any comment lands on it shown; readers fold a sub-thread without script.
_OPEN_REPLIES = '  <details class="replies" open>\n    <summary>{count} {noun}</summary>\n'
_CLOSE_ARTICLE = "</article>\n"
_CLOSE_REPLIES = "</details></article>\n"
# A page that starts inside a sub-thread opens the comments it continues, as short lines.
_OPEN_CONTEXT = (
    '<article class="comment comment-context">\n'
    '  <p class="comment-context-note">Continued from '
    '<a href="{href}">{what} on page {page}</a></p>\n'
)
_REPLIES_CONTINUE = (
    '  <p class="comment-replies-continue"><a href="{href}" rel="next">'
    "Replies continue on page {page}</a></p>\n"
)
_MENTION = 'class="commenter-mention" href="{href}"'


def _replies(count: int) -> str:
    return _OPEN_REPLIES.format(count=count, noun="reply" if count == 1 else "replies")


def _open_context(page: ThreadPage, page_url: Callable[[int], str]) -> list[str]:
    """Open the comments a page continues (it starts inside their sub-thread)."""
    out: list[str] = []
    for ancestor in page.context:
        what = (
            "a removed comment"
            if ancestor.removed
            else "a comment by " + escape(ancestor.comment.display_name)
        )
        out.append(
            _OPEN_CONTEXT.format(
                href=escape(f"{page_url(page.page_of(ancestor.index))}#{ancestor.comment.anchor}"),
                what=what,
                page=page.page_of(ancestor.index),
            )
        )
        out.append(_replies(ancestor.reply_count))
    return out


class _Links:
    """Point a stored markup's links to other comments at the pages that show them."""

    def __init__(self, page: ThreadPage, page_url: Callable[[int], str]):
        self.page = page
        self.page_url = page_url
        self.on_page = {node.comment.pk for node in page.nodes}
        permalink = url_format("comments:permalink")
        # Mentions are stored as permalinks: on this page, a link to the comment's anchor.
        self.mention = re.compile(
            re.escape(_MENTION.format(href=escape(permalink))).replace(r"\{pk\}", r"(\d+)")
        )

    def _mention_href(self, match: re.Match) -> str:
        pk = int(match.group(1))
        if pk not in self.on_page:
            return match.group(0)
        return _MENTION.format(href=f"#comment-{pk}")

    def placed(self, node: ThreadNode) -> str:
        markup = node.comment.markup
        if node.parent_index is not None and not self.page.on_page(node.parent_index):
            # Its parent is on an earlier page: the stored `#comment-<pk>` needs that page.
            parent_pk = node.parent_anchor.removeprefix("comment-")
            href = f"{self.page_url(self.page.page_of(node.parent_index))}#{node.parent_anchor}"
            markup = markup.replace(
                IN_REPLY_TO_HREF.format(pk=parent_pk),
                f'class="comment-in-reply-to" href="{escape(href)}"',
                1,
            )
        if "commenter-mention" in markup:
            markup = self.mention.sub(self._mention_href, markup)
        return markup


def render_thread_page(page: ThreadPage, page_url: Callable[[int], str]) -> SafeString:
    """Return the page's comments as nested articles (empty for a page without any).

    `page_url(number)` gives the address of another page of the same thread, for links
    to comments that are not on this one. Runs no queries.
    """
    links = _Links(page, page_url)
    out = _open_context(page, page_url)
    last = len(page.nodes) - 1
    for position, node in enumerate(page.nodes):
        out.append(
            _OPEN_ARTICLE.format(pk=node.comment.pk, classes=_REMOVED if node.removed else _SHOWN)
        )
        out.append(_REMOVED_NOTE if node.removed else links.placed(node))
        if position == last and page.replies_continue:
            href = escape(page_url(page.number + 1))
            out.append(_REPLIES_CONTINUE.format(href=href, page=page.number + 1))
        if node.opens_replies:
            out.append(_replies(node.reply_count))
        else:
            out.append(_CLOSE_ARTICLE)
            out.append(_CLOSE_REPLIES * node.closes)
    return mark_safe("".join(out))  # stored markup is escaped; so is every value above
