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

Markdown places uploaded images as figures: `![alt](image:ID "caption")` alone in its
paragraph becomes <figure> with a <picture> and a <figcaption> (the caption written, else
the image's own; then its credit). The images come in as `images` (id -> ImageSource,
URLs resolved), so these stay pure functions of their arguments: no database, no settings.
"""

import re
import secrets
from collections.abc import Mapping
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from blog.text import plain_text_to_html
from images.html import ImageSource, figure_html

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

# `image:42` in a Markdown image's address names an uploaded image.
IMAGE_SCHEME = "image:"
_IMAGE_REFERENCE = re.compile(r"\]\(\s*<?image:(\d+)")

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)


def render_post_body(
    text: str, body_format: str, images: Mapping[int, ImageSource] | None = None
) -> str:
    """Return the body as safe HTML, rendered as its format says.

    `images` are the uploaded images the Markdown's figures name (see `image_references`).
    """
    if body_format == TEXT:
        return plain_text_to_html(text)
    if body_format == MARKDOWN:
        return render_markdown(text, images or {})
    if body_format == HTML:
        return sanitise_html(text)
    raise ValueError(f"unknown body format: {body_format!r}")


def sanitise_html(html: str) -> str:
    """Return HTML reduced to the allowlist (figures allowed): no scripts, styles or images.

    A link whose address was refused (`javascript:`) keeps its text, not an empty <a>.
    """
    return _LINK_WITHOUT_ADDRESS.sub(r"\1", _clean(html, HTML_TAGS))


def _clean(html: str, tags) -> str:
    """Sanitise HTML with nh3 against the body's allowlist of `tags` and attributes."""
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        filter_style_properties={"text-align"},
    ).strip()


# A #Hashtag in text: as blog_extras.link_hashtags finds them (not after a word, #, / or &).
_HASHTAG = re.compile(r"(?<![\w#/&])#([A-Za-z][A-Za-z0-9_]*)")


def hashtag_names(text: str, body_format: str = TEXT) -> list[str]:
    """Return the #Hashtags written in the text, in order, first spelling of each.

    In Markdown only the prose counts: not code, link addresses or headings' `#`.
    Duplicates are dropped case-insensitively (`#MSResearch` then `#msresearch`: one).
    """
    if body_format == MARKDOWN:
        parts = []
        for token in _markdown.parse(text):
            if token.type == "inline":
                parts.extend(c.content for c in token.children or [] if c.type == "text")
        text = "\n".join(parts)
    elif body_format == HTML:
        text = html_text(text)
    names: dict[str, str] = {}
    for name in _HASHTAG.findall(text):
        names.setdefault(name.lower(), name)
    return list(names.values())


def image_references(text: str) -> list[int]:
    """Return the ids of the uploaded images a Markdown body names (`![…](image:ID …)`)."""
    return sorted({int(number) for number in _IMAGE_REFERENCE.findall(text)})


def render_markdown(text: str, images: Mapping[int, ImageSource] | None = None) -> str:
    """Render Markdown to HTML sanitised against the allowlist.

    Headings move down so the highest one written becomes <h2> (the levels below it keep
    their distance, up to <h6>). An `image:ID` image alone in its paragraph becomes a
    figure; other images become links to the image, as no outside images are shown (an
    unknown `image:ID` shows its alt text).
    """
    images = images or {}
    tokens = _markdown.parse(text)
    _shift_headings(tokens)
    figures: list[str] = []
    # A mark per figure that the text cannot contain (a fresh random word each time).
    mark = f"figure-{secrets.token_hex(8)}-"
    for token in tokens:
        if token.type == "inline" and token.children:
            figure = _figure(token.children, images)
            if figure is not None:
                # A mark the sanitiser keeps as text, swapped for the figure afterwards:
                # the figure's HTML is built (and escaped) by images.html, not by nh3.
                token.children = [Token("text", "", 0, content=f"{mark}{len(figures)}")]
                figures.append(figure)
            else:
                token.children = _images_as_links(token.children)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    html = _clean(html, ALLOWED_TAGS)
    if not figures:
        return html
    marks = re.compile(rf"<p>{mark}(\d+)</p>")
    return marks.sub(lambda match: figures[int(match.group(1))], html)


def _figure(children: list[Token], images: Mapping[int, ImageSource]) -> str | None:
    """Return the figure an inline run holding only an `image:ID` image stands for."""
    significant = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if len(significant) != 1 or significant[0].type != "image":
        return None
    image = significant[0]
    src = str(image.attrs.get("src", ""))
    if not src.startswith(IMAGE_SCHEME) or not src[len(IMAGE_SCHEME) :].isdigit():
        return None
    source = images.get(int(src[len(IMAGE_SCHEME) :]))
    if source is None:
        return None
    alt = _inline_text(image.children or []).strip()
    title = image.attrs.get("title")
    return figure_html(source, alt=alt or None, caption=str(title) if title else None)


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
        if src.startswith(IMAGE_SCHEME):  # an image not found: its alt text alone
            label = _inline_text(child.children or []) or src
            result.append(Token("text", "", 0, content=label))
            continue
        link_open = Token("link_open", "a", 1, attrs={"href": src})
        if title := child.attrs.get("title"):
            link_open.attrs["title"] = title
        label = Token("text", "", 0, content=_inline_text(child.children or []) or src)
        result.extend([link_open, label, Token("link_close", "a", -1)])
    return result
