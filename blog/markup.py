"""Render a post's body, as its format says, to the HTML stored in `Post.body_html`.

Two formats (the values of `Post.BodyFormat`):

- **text**: the text exactly as written (imported documents). Blank lines separate
  paragraphs, a single newline is a line break, and every character is escaped, so
  `#MSResearch`, `*stars*` and `<b>` stay literal.
- **markdown**: CommonMark with tables and ~~strikethrough~~ (posts written here). HTML an
  editor types is shown as text, never executed, and the result is sanitised with nh3
  against an allowlist. A single newline is a line break, as in the text format.

- **html**: HTML brought from another platform (WordPress, Blogger), already cleaned by
  `blog.platforms.wp_html`; sanitised again against the same allowlist (plus figures).

All are pure functions of the text: no database, no settings.
"""

import re
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from blog.text import plain_text_to_html

# The values of Post.BodyFormat (this module cannot import the models that import it).
MARKDOWN = "markdown"
TEXT = "text"
HTML = "html"

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    # Column alignment; nh3 keeps no style property but text-align.
    "th": {"style"},
    "td": {"style"},
}
# Imported HTML may also hold captioned figures ([caption] in WordPress).
HTML_TAGS = ALLOWED_TAGS | {"figure", "figcaption"}
URL_SCHEMES = {"http", "https", "mailto"}  # and relative URLs, which nh3 keeps
# Links in a post are the editors' own, so search engines may follow them (unlike links in
# readers' comments, which are nofollow ugc).
LINK_REL = "noopener"

# The post page's <h1> is the title, so the body's top heading level becomes <h2>.
TOP_HEADING_LEVEL = 2
MAX_HEADING_LEVEL = 6

_TAG = re.compile(r"<[^>]*>")
_LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)
_BLOCK_END = re.compile(r"</(?:p|li|h[2-6]|blockquote|figcaption|pre|tr)>|<br\s*/?>", re.IGNORECASE)

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)


def render_post_body(text: str, body_format: str) -> str:
    """Return the body as safe HTML, rendered as its format says."""
    if body_format == TEXT:
        return plain_text_to_html(text)
    if body_format == MARKDOWN:
        return render_markdown(text)
    if body_format == HTML:
        return sanitise_html(text)
    raise ValueError(f"unknown body format: {body_format!r}")


def sanitise_html(html: str) -> str:
    """Return HTML reduced to the allowlist (figures allowed): no scripts, styles or images.

    A link whose address was refused (`javascript:`) keeps its text, not an empty <a>.
    """
    html = nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties={"text-align"},
    ).strip()
    return _LINK_WITHOUT_ADDRESS.sub(r"\1", html)


def render_markdown(text: str) -> str:
    """Render Markdown to HTML sanitised against the allowlist.

    Headings move down so the highest one written becomes <h2> (the levels below it keep
    their distance, up to <h6>); images become links to the image, as no images are shown.
    """
    tokens = _markdown.parse(text)
    _shift_headings(tokens)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _images_as_links(token.children)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties={"text-align"},
    ).strip()


def html_text(html: str) -> str:
    """Return the text of HTML blocks, one paragraph per block, without markup."""
    blocks = _BLOCK_END.split(html)
    texts = [unescape(_TAG.sub("", block)).strip() for block in blocks]
    return "\n\n".join(text for text in texts if text)


def post_body_text(text: str, body_format: str) -> str:
    """Return the body as readers read it, without markup: paragraphs on blank lines.

    For summaries, feeds and snippets, so a Markdown post shows no `**` or `[...](...)`.
    """
    if body_format == TEXT:
        return text
    if body_format == HTML:
        return html_text(text)
    if body_format != MARKDOWN:
        raise ValueError(f"unknown body format: {body_format!r}")
    blocks: list[str] = []
    row: list[str] | None = None
    for token in _markdown.parse(text):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.append(" | ".join(row))
            row = None
        elif token.type == "inline":
            inline = _inline_text(token.children or [])
            if row is not None:
                row.append(inline)
            else:
                blocks.append(inline)
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block.strip())


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


def _shift_headings(tokens: list[Token]) -> None:
    headings = [t for t in tokens if t.type in ("heading_open", "heading_close")]
    if not headings:
        return
    shift = TOP_HEADING_LEVEL - min(int(t.tag[1]) for t in headings)
    for token in headings:
        token.tag = f"h{min(int(token.tag[1]) + shift, MAX_HEADING_LEVEL)}"


def _images_as_links(children: list[Token]) -> list[Token]:
    """Replace each image by a link to it whose text is the image's alt text."""
    result: list[Token] = []
    for child in children:
        if child.type != "image":
            result.append(child)
            continue
        src = str(child.attrs.get("src", ""))
        link_open = Token("link_open", "a", 1, attrs={"href": src})
        if title := child.attrs.get("title"):
            link_open.attrs["title"] = title
        label = Token("text", "", 0, content=_inline_text(child.children or []) or src)
        result.extend([link_open, label, Token("link_close", "a", -1)])
    return result
