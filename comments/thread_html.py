"""Render one page of a thread as the nested <article> markup of the post page.

This is the one piece of the site written as Python string building rather than a
template: for a page of 1,000 comments, the template language spent about 0.5 s resolving
some 17,000 variables (cProfile), while this renders the same markup in a few
milliseconds. Each piece below is the template's markup, verbatim; every value that comes
from a reader is escaped here, and the comment bodies are HTML sanitised when saved.
"""

from collections.abc import Callable
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe

from comments.mentions import link_names
from comments.thread import REMOVED_TEXT, ThreadNode, ThreadPage

# A stand-in primary key for reversing a route once and filling in each comment's own.
_PK_SENTINEL = 2_147_483_647

# Microformats2: each shown comment is a `p-comment h-entry` of the post (or, for a
# reply, of its parent comment), with its author, date, text and address.
_OPEN_ARTICLE = '<article id="comment-{pk}" class="{classes}">\n'
_SHOWN = "comment p-comment h-entry"
_REMOVED = "comment comment-removed"
_REMOVED_NOTE = f'  <p class="comment-removed-note">{REMOVED_TEXT}</p>\n'
_META = (
    '  <header class="comment-meta">\n'
    '    <span class="comment-author p-author h-card">{name}</span>{badge}\n'
    "{time}{in_reply_to}"
    '    <a class="comment-permalink u-url" href="{permalink}">Permalink</a>\n'
    "  </header>\n"
    '  <div class="comment-body e-content">{body}</div>\n'
    '  <p class="comment-actions">\n'
    '    <a class="comment-reply-link" href="{reply}" data-parent-id="{pk}">'
    'Reply<span class="visually-hidden"> to {name}</span></a>\n'
    "  </p>\n"
)
_BADGES = {
    "author": ' <span class="comment-badge">Author</span>',
    "team": ' <span class="comment-badge">Team</span>',
}
_TIME = '    <time class="dt-published" datetime="{iso}">{shown}</time>\n'
_IN_REPLY_TO = '    <a class="comment-in-reply-to" href="{href}">in reply to {name}{excerpt}</a>\n'
_EXCERPT = ': <span class="comment-excerpt">“{words}”</span>'
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


def _url_format(name: str) -> str:
    """Return route `name`'s URL with `{pk}` where the primary key goes (reversed once)."""
    return reverse(name, kwargs={"pk": _PK_SENTINEL}).replace(str(_PK_SENTINEL), "{pk}")


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


def _in_reply_to(node: ThreadNode, href: str) -> str:
    """Return "in reply to NAME: “first words…”", linking to the parent."""
    excerpt = node.parent_excerpt
    return _IN_REPLY_TO.format(
        href=escape(href),
        name=escape(node.parent_name),
        excerpt=_EXCERPT.format(words=escape(excerpt)) if excerpt else "",
    )


def render_thread_page(
    page: ThreadPage,
    page_url: Callable[[int], str],
    mentions: dict[int, dict[str, int]] | None = None,
) -> SafeString:
    """Return the page's comments as nested articles (empty for a page without any).

    `page_url(number)` gives the address of another page of the same thread, for links
    to comments that are not on this one. `mentions` (from
    `comments.mentions.resolve_mentions` over the whole thread) says which names in a
    comment link to which earlier comment. Runs no queries.
    """
    mentions = mentions or {}
    permalink = _url_format("comments:permalink")
    on_page = {node.comment.pk for node in page.nodes}

    def comment_href(pk: int) -> str:
        return f"#comment-{pk}" if pk in on_page else permalink.format(pk=pk)

    reply = _url_format("comments:reply")
    months = [""] + [str(MONTHS[number]) for number in range(1, 13)]
    zone = timezone.get_current_timezone()  # looked up once: per comment it costs 5 µs

    def href_of(node: ThreadNode, index: int) -> str:
        if page.on_page(index):
            return f"#{node.parent_anchor}" if node.parent_anchor else ""
        return f"{page_url(page.page_of(index))}#{node.parent_anchor}"

    out = _open_context(page, page_url)

    last = len(page.nodes) - 1
    for position, node in enumerate(page.nodes):
        comment = node.comment
        pk = comment.pk
        out.append(_OPEN_ARTICLE.format(pk=pk, classes=_REMOVED if node.removed else _SHOWN))
        if node.removed:
            out.append(_REMOVED_NOTE)
        else:
            time = ""
            if comment.created_at:
                local = comment.created_at.astimezone(zone)
                time = _TIME.format(
                    iso=local.isoformat(timespec="seconds"),
                    shown=f"{local.day} {months[local.month]} {local:%Y, %H:%M}",
                )
            in_reply_to = ""
            if node.parent_index is not None:
                in_reply_to = _in_reply_to(node, href_of(node, node.parent_index))
            body = comment.body_html  # sanitised by nh3 when the comment was saved
            if pk in mentions:
                body = link_names(body, mentions[pk], comment_href)
            out.append(
                _META.format(
                    pk=pk,
                    name=escape(comment.display_name),
                    badge=_BADGES.get(comment.badge, ""),
                    time=time,
                    in_reply_to=in_reply_to,
                    permalink=permalink.format(pk=pk),
                    body=body,
                    reply=reply.format(pk=pk),
                )
            )
        if position == last and page.replies_continue:
            out.append(
                _REPLIES_CONTINUE.format(
                    href=escape(page_url(page.number + 1)), page=page.number + 1
                )
            )
        if node.opens_replies:
            out.append(_replies(node.reply_count))
        else:
            out.append(_CLOSE_ARTICLE)
            out.append(_CLOSE_REPLIES * node.closes)
    return mark_safe("".join(out))  # every reader-supplied value above is escaped
