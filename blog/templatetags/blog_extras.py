import re

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

from blog import citations
from blog.hashtags import HASHTAG_NAME
from blog.models import Post, hashtag_slug
from blog.structured_data import json_ld_script, post_description
from blog.text import plain_text_to_html
from core import site

register = template.Library()

# In escaped HTML, a #Hashtag is a `#` and a letter that no word character, `#` or `/`
# comes right before. Tags, character references (`&#x27;` has a `#` too) and URLs
# written in the text (`https://example.org/page#part`) are matched first so that no
# `#` inside them is ever read as a hashtag. Quoted attribute values (a Markdown link's
# title) may hold `>` in valid HTML, so a tag ends only at a `>` outside quotes.
_HASHTAG_TOKENS = re.compile(
    rf"""
      <(?P<closing>/?)(?P<element>[A-Za-z0-9]*)(?:"[^"]*"|'[^']*'|[^>"'])*>  # a tag
    | &(?:\#[0-9A-Za-z]+|[A-Za-z][0-9A-Za-z]*);  # a character reference
    | \b(?:https?://|www\.)[^\s<]+          # a URL in the text, with any #fragment
    | (?<![\w\#/])\#(?P<name>{HASHTAG_NAME})
    """,
    re.VERBOSE,
)
# A hashtag inside these stays text: a link cannot hold another, and code is literal.
_NO_HASHTAG_LINKS_IN = {"a", "code", "pre"}


def _hashtag_linker(known: set[str] | None):
    inside = 0  # how many elements that take no hashtag links are open here

    def link(match: re.Match) -> str:
        nonlocal inside
        if match["element"] and match["element"].lower() in _NO_HASHTAG_LINKS_IN:
            inside = max(inside - 1, 0) if match["closing"] else inside + 1
        name = match["name"]
        # `&#Tag` in the text is `&amp;#Tag` here: not a hashtag, as the importer sees it.
        if name is None or inside or match.string.endswith("&amp;", 0, match.start()):
            return match[0]
        slug = hashtag_slug(name)
        if known is not None and slug not in known:
            return match[0]  # no tag page to link to
        url = reverse("blog:hashtag-detail", kwargs={"slug": slug})
        return format_html('<a class="hashtag" href="{}" rel="tag">#{}</a>', url, name)

    return link


@register.filter(needs_autoescape=True)
def link_hashtags(html, tags=None, autoescape=True) -> SafeString:
    """Link #Hashtags to their tag pages, keeping the text exactly as written.

    Use it on escaped HTML (`{{ post.body_html|safe|link_hashtags:post.hashtag_list }}`);
    plain text is escaped first. Given the post's tags, only those are linked, so every
    link leads to a page that lists the post.
    """
    if autoescape and not isinstance(html, SafeData):
        html = conditional_escape(html)
    known = None if tags is None else {tag.slug for tag in tags}
    # Only hashtag links are added, and their parts are escaped by format_html.
    return mark_safe(_HASHTAG_TOKENS.sub(_hashtag_linker(known), str(html or "")))


@register.filter
def paragraphs(text: str) -> SafeString:
    """Render plain text as escaped HTML paragraphs, keeping its line breaks."""
    # plain_text_to_html escapes every character of the text itself.
    return mark_safe(plain_text_to_html(text or ""))


@register.simple_tag
def json_ld(data: dict) -> SafeString:
    """Embed structured data as a <script type="application/ld+json"> element."""
    return json_ld_script(data)


@register.simple_tag
def absolute_url(path: str) -> str:
    """Return the absolute URL of a path on this site, from SITE_URL (never the Host)."""
    return site.absolute_url(path)


@register.filter
def description(post: Post) -> str:
    """Return the post's summary for <meta name="description">: its teaser, else its
    first sentence."""
    return post_description(post)


@register.filter
def coins(paper) -> str:
    """Return the paper's OpenURL for a COinS title (escaped by the template)."""
    return citations.coins(paper)


@register.filter
def iso_datetime(value) -> str:
    """Return an aware datetime as local ISO 8601 to the second, for <time datetime>."""
    # HTML allows at most three decimals of a second; `date:"c"` would give six.
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""
