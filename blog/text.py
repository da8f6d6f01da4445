"""Plain text as HTML, for posts and papers."""

from django.utils.html import escape

from core.text import split_paragraphs


def plain_text_to_html(text: str) -> str:
    """Render plain text as HTML paragraphs, keeping line breaks and escaping everything.

    Blank lines separate paragraphs; a single newline becomes <br>. The text itself is
    kept exactly, so an imported document renders as written.
    """
    return "\n".join(
        "<p>" + "<br>\n".join(escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in split_paragraphs(text)
    )
