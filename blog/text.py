"""Plain-text helpers shared by posts, papers and comments."""

import re

from django.utils.html import escape

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def split_paragraphs(text: str) -> list[str]:
    """Return the non-empty paragraphs of text, split on blank lines."""
    return [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text.strip("\n")) if p.strip()]


def plain_text_to_html(text: str) -> str:
    """Render plain text as HTML paragraphs, keeping line breaks and escaping everything.

    Blank lines separate paragraphs; a single newline becomes <br>. The text itself is
    kept exactly, so an imported document renders as written.
    """
    return "\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in split_paragraphs(text)
    )
