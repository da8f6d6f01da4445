"""Turn a reader's plain-text comment into safe HTML, once, when it is saved."""

import re

import nh3
from django.utils.html import escape

from core.text import split_paragraphs

URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
LINK_REL = "nofollow ugc noopener"
ALLOWED_TAGS = {"p", "br", "a"}


def _linkify(line: str) -> str:
    """Escape a line of text, turning bare http(s) URLs into links."""
    html, position = [], 0
    for match in URL.finditer(line):
        url = match.group().rstrip(TRAILING_PUNCTUATION)
        start, end = match.start(), match.start() + len(url)
        html.append(escape(line[position:start]))
        html.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = end
    html.append(escape(line[position:]))
    return "".join(html)


def render_comment_body(text: str) -> str:
    """Render paragraphs and line breaks, link URLs, and sanitise the result with nh3.

    The text is escaped first, so no markup a reader types is ever executed; nh3 then
    guarantees only <p>, <br> and http(s) links with rel="nofollow ugc noopener" remain.
    """
    html = "\n".join(
        "<p>" + "<br>\n".join(_linkify(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in split_paragraphs(text)
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=LINK_REL,
    )
