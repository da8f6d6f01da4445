"""Turn a WordPress post's stored content into the clean HTML a post of this site holds.

WordPress stores what the editor typed: paragraphs are blank lines (its `wpautop` adds
the <p> and <br> when it shows a page), media are shortcodes (`[caption]`, `[gallery]`,
`[embed]`), and HTML may hold anything an administrator typed. This module does what
WordPress does when it renders, then keeps only what the site allows:

- `[caption ...]<img>text[/caption]` becomes a <figure> whose image is a link to the image
  (the site shows no images) with the caption as <figcaption>; `[embed]URL[/embed]` and
  bare images become links; `[gallery]`, `[audio]`, `[video]` and `[playlist]` are dropped
  and named, so the report can say so. Other bracketed text is left alone.
- blank lines become paragraphs and single newlines line breaks, except inside blocks
  that are already HTML (a `wpautop` subset: what our own exports and WordPress's editors
  write).
- <b> and <i> become <strong> and <em>; the result is sanitised by `blog.markup`.

Pure functions: no database, no settings.
"""

import re
from dataclasses import dataclass
from html import escape, unescape

from blog.markup import sanitise_html

# WordPress's core media shortcodes; anything else in brackets is the author's text.
DROPPED_SHORTCODES = ("gallery", "audio", "video", "playlist")
_CAPTION = re.compile(r"\[(?:wp_)?caption\b[^\]]*\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
_EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S | re.I)
_DROPPED = re.compile(
    r"\[(" + "|".join(DROPPED_SHORTCODES) + r")\b[^\]]*\](?:.*?\[/\1\])?", re.S | re.I
)
_LINKED_IMG = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.S | re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.S | re.I)
_ATTR = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_RENAME = {"b": "strong", "i": "em", "h1": "h2"}
_RENAME_TAG = re.compile(r"<(/?)(b|i|h1)(\s[^>]*)?>", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_TRAILING_BREAK = re.compile(r"(?:\s*<br\s*/?>)+\s*$", re.I)
_PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)
_KEPT = re.compile(r"\x00(\d+)\x00")
_BLOCK_START = re.compile(
    r"(?:\x00|<(?:p|div|ul|ol|li|blockquote|figure|h[1-6]|pre|table|thead|tbody|tr|hr|!--)[\s>/-])",
    re.I,
)


@dataclass(frozen=True)
class CleanedHtml:
    html: str
    dropped: tuple[str, ...]  # the names of the shortcodes removed, e.g. ("gallery",)


def clean_wordpress_html(content: str) -> CleanedHtml:
    """Return the content as sanitised HTML, and the media shortcodes it had to drop."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    dropped = tuple(match.group(1).lower() for match in _DROPPED.finditer(text))
    text = _DROPPED.sub("", text)
    text = _CAPTION.sub(lambda m: _figure(m.group(1)), text)
    text = _EMBED.sub(lambda m: _link(m.group(1).strip(), m.group(1).strip()), text)
    text = _LINKED_IMG.sub(lambda m: _image_link(m.group(1)), text)
    text = _IMG.sub(lambda m: _image_link(m.group(0)), text)
    text = _RENAME_TAG.sub(lambda m: f"<{m.group(1)}{_RENAME[m.group(2).lower()]}>", text)
    return CleanedHtml(sanitise_html(autop(text)), dropped)


def autop(text: str) -> str:
    """Wrap loose text in paragraphs as WordPress's `wpautop` does (the common cases).

    A chunk between blank lines that starts with a block element is kept as written;
    any other chunk becomes a <p>, its single newlines <br>.
    """
    # Blank lines inside <pre> are the code's own, as wpautop also keeps them.
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    text = _PRE.sub(keep, text)
    chunks = [c.strip() for c in _PARAGRAPH_BREAK.split(text.strip()) if c.strip()]
    html = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            html.append(chunk)
        else:
            chunk = _TRAILING_BREAK.sub("", chunk)
            html.append("<p>" + "<br>\n".join(chunk.split("\n")) + "</p>")
    return _KEPT.sub(lambda m: kept[int(m.group(1))], "\n".join(html))


def _attributes(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): unescape(m.group(2) or m.group(3) or "") for m in _ATTR.finditer(tag)
    }


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>'


def _image_link(tag: str) -> str:
    attributes = _attributes(tag)
    src = attributes.get("src", "")
    return _link(src, attributes.get("alt") or src) if src else ""


def _figure(inner: str) -> str:
    image = _LINKED_IMG.search(inner) or _IMG.search(inner)
    caption = inner
    link = ""
    if image:
        link = _image_link(image.group(1) if image.re is _LINKED_IMG else image.group(0))
        caption = inner[: image.start()] + inner[image.end() :]
    caption = caption.strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{link}{figcaption}</figure>"


_ANCHOR = re.compile(
    r"""<a\b[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>(.*?)</a>""", re.S | re.I
)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_PARAGRAPH_END = re.compile(r"</p\s*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def comment_text(content: str) -> str:
    """Return a WordPress comment (HTML a reader typed) as the plain text comments here hold.

    Links keep their address (`text (URL)`, or the bare URL) so the site links it again;
    other tags are dropped and entities decoded.
    """
    text = content.replace("\r\n", "\n").replace("\r", "\n")

    def anchor(match: re.Match) -> str:
        href = unescape(match.group(1) or match.group(2) or "")
        label = unescape(_ANY_TAG.sub("", match.group(3))).strip()
        # Escaped again, as the whole text is decoded once below.
        return escape(href if not label or label == href else f"{label} ({href})")

    text = _ANCHOR.sub(anchor, text)
    text = _LINE_BREAK.sub("\n", text)
    text = _PARAGRAPH_END.sub("\n\n", text)
    text = unescape(_ANY_TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip()
