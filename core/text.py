"""Plain-text helpers shared by posts and comments."""

import re

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def split_paragraphs(text: str) -> list[str]:
    """Return the non-empty paragraphs of text, split on blank lines."""
    return [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text.strip("\n")) if p.strip()]
