"""Read a WordPress export (WXR 1.0 to 1.2), streamed: pure, no database.

`iter_wxr(file)` yields the export's authors first (as WordPress writes them), then one
object per <item>: a `SourcePost` for each post, a `SourceAttachment` for each media item
and a `SkippedItem` (with the reason) for pages, menu items and the rest.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from blog.platforms import source as s
from blog.platforms.source import (
    ImportFormatError,
    SkippedItem,
    SourceAttachment,
    SourceAuthor,
    SourceComment,
    SourcePost,
)
from blog.platforms.wp_html import clean_wordpress_html, comment_text
from blog.platforms.xml import forget, iter_elements, split_tag, text_of

WP_NAMESPACE = "http://wordpress.org/export/"  # then 1.0/, 1.1/ or 1.2/
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
DC_NAMESPACE = "http://purl.org/dc/elements/1.1/"
KIND = "a WordPress export (WXR)"
NO_DATE = "0000-00-00 00:00:00"

POST_STATUSES = {
    "publish": s.PUBLISHED,
    "future": s.PUBLISHED,  # scheduled: published at a future time
    "private": s.DRAFT,
    "draft": s.DRAFT,
    "pending": s.DRAFT,
}
COMMENT_STATUSES = {
    "1": s.PUBLISHED,
    "approve": s.PUBLISHED,
    "0": s.PENDING,
    "hold": s.PENDING,
    "spam": s.SPAM,
    "trash": s.REMOVED,
    "post-trashed": s.REMOVED,
}
COMMENT_KINDS = {"pingback": s.PINGBACK, "trackback": s.TRACKBACK}

Item = SourceAuthor | SourcePost | SourceAttachment | SkippedItem


def iter_wxr(source: str | BinaryIO, *, tz: datetime.tzinfo = datetime.UTC) -> Iterator[Item]:
    """Yield the authors, then every item of a WXR file, in file order.

    `tz` is the blog's time zone, used only for dates the export gives without GMT
    (drafts). Raises ImportFormatError naming the line if the file is not WXR.
    """
    saw_channel = False
    for event, element in iter_elements(source, kind=KIND):
        if event == "start":
            _check_root(element)
            continue
        namespace, local = split_tag(element.tag)
        parent = element.getparent()
        in_channel = parent is not None and parent.tag == "channel"
        if local == "channel" and not namespace:
            saw_channel = True
        elif in_channel and local == "item" and not namespace:
            yield _item(element, tz)
            forget(element)
        elif in_channel and local == "author" and namespace.startswith(WP_NAMESPACE):
            yield _author(element)
            forget(element)
        elif in_channel and namespace.startswith(WP_NAMESPACE):
            forget(element)  # categories, tags and terms: read from each item instead
    if not saw_channel:
        raise ImportFormatError(f"the file has no <channel>; it is not {KIND}", 1)


def _check_root(root) -> None:
    namespace, local = split_tag(root.tag)
    wp = [uri for uri in (root.nsmap or {}).values() if uri and uri.startswith(WP_NAMESPACE)]
    if local != "rss" or namespace or not wp:
        hint = " (for a Blogger export use import_blogger)" if local == "feed" else ""
        raise ImportFormatError(
            f"not {KIND}: the document is <{local}> without the WordPress export "
            f"namespace {WP_NAMESPACE}1.2/{hint}",
            root.sourceline or 1,
        )


def _fields(element) -> dict[str, tuple[str, int]]:
    """Return {local name: (text, line)} of the simple children (last one wins)."""
    return {
        split_tag(child.tag)[1]: (text_of(child), child.sourceline or 0)
        for child in element
        if isinstance(child.tag, str)
    }


def _author(element) -> SourceAuthor:
    fields = _fields(element)
    login = fields.get("author_login", ("", 0))[0].strip()
    if not login:
        raise ImportFormatError("<wp:author> has no <wp:author_login>", element.sourceline or 0)
    return SourceAuthor(
        login=login,
        display_name=fields.get("author_display_name", ("", 0))[0].strip() or login,
        email=fields.get("author_email", ("", 0))[0].strip(),
    )


def _date(
    fields: dict, gmt_key: str, local_key: str, tz: datetime.tzinfo
) -> datetime.datetime | None:
    for key, zone in ((gmt_key, datetime.UTC), (local_key, tz)):
        text, line = fields.get(key, ("", 0))
        text = text.strip()
        if not text or text == NO_DATE:
            continue
        try:
            return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
        except ValueError:
            raise ImportFormatError(f"<wp:{key}> {text!r} is not a date", line) from None
    return None


@dataclass
class _ItemParts:
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    comments: list[SourceComment] = field(default_factory=list)
    content: str = ""
    excerpt: str = ""
    creator: str = ""

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, (default, 0))[0].strip()


def _item_parts(element, tz: datetime.tzinfo) -> _ItemParts:
    parts = _ItemParts()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        namespace, local = split_tag(child.tag)
        if local == "category" and not namespace:
            name = text_of(child).strip()
            domain = child.get("domain")
            # WordPress files every uncategorised post under its default category.
            if not name or child.get("nicename") == "uncategorized":
                continue
            if domain == "category" and name not in parts.categories:
                parts.categories.append(name)
            elif domain == "post_tag" and name not in parts.tags:
                parts.tags.append(name)
        elif local == "comment" and namespace.startswith(WP_NAMESPACE):
            parts.comments.append(_comment(child, tz))
        elif local == "encoded" and namespace == CONTENT_NAMESPACE:
            parts.content = text_of(child)
        elif local == "encoded" and namespace.startswith(WP_NAMESPACE):
            parts.excerpt = text_of(child)
        elif local == "creator" and namespace == DC_NAMESPACE:
            parts.creator = text_of(child).strip()
        else:
            parts.fields[local] = (text_of(child), child.sourceline or element.sourceline or 0)
    return parts


def _item(element, tz: datetime.tzinfo) -> Item:
    line = element.sourceline or 0
    parts = _item_parts(element, tz)
    post_id = parts.get("post_id")
    if not post_id:
        raise ImportFormatError("<item> has no <wp:post_id>", line)
    title = parts.get("title")
    post_type = parts.get("post_type") or "post"
    status = parts.get("status")
    source_id = f"wp:{post_id}"
    if post_type == "attachment":
        url = parts.get("attachment_url") or parts.get("guid")
        parent = parts.get("post_parent")
        parent_id = f"wp:{parent}" if parent not in ("", "0") else ""
        return SourceAttachment(source_id, title, url, parent_id, line)
    if post_type != "post":
        return SkippedItem(source_id, title, f"a WordPress {post_type}, not a post", line)
    if status not in POST_STATUSES:
        return SkippedItem(source_id, title, f"status {status!r} in WordPress", line)
    modified_at = _date(parts.fields, "post_modified_gmt", "post_modified", tz)
    published_at = _date(parts.fields, "post_date_gmt", "post_date", tz) or modified_at
    if published_at is None:
        raise ImportFormatError(f"post {post_id} has no date", line)
    cleaned = clean_wordpress_html(parts.content)
    notes = [f"shortcode [{name}] dropped (media are not imported)" for name in cleaned.dropped]
    if status == "private":
        notes.append("private in WordPress: imported as a draft")
    return SourcePost(
        source_id=source_id,
        title=title,
        slug=_slug(parts.get("post_name"), title, post_id),
        status=POST_STATUSES[status],
        source_status=status,
        published_at=published_at,
        modified_at=modified_at or published_at,
        author_login=parts.creator,
        categories=tuple(parts.categories),
        tags=tuple(parts.tags),
        body_html=cleaned.html,
        teaser=comment_text(parts.excerpt),
        comments=tuple(parts.comments),
        line=line,
        notes=tuple(notes),
    )


def _slug(post_name: str, title: str, post_id: str) -> str:
    # WordPress percent-encodes non-ASCII slugs; drafts often have none yet.
    return slugify(unquote(post_name.strip()))[:200] or slugify(title)[:200] or f"post-{post_id}"


def _comment(element, tz: datetime.tzinfo) -> SourceComment:
    line = element.sourceline or 0
    fields = _fields(element)

    def get(key: str) -> str:
        return fields.get(key, ("", 0))[0].strip()

    comment_id = get("comment_id")
    if not comment_id:
        raise ImportFormatError("<wp:comment> has no <wp:comment_id>", line)
    parent = get("comment_parent")
    return SourceComment(
        source_id=f"wp:{comment_id}",
        parent_id=f"wp:{parent}" if parent not in ("", "0") else "",
        author_name=get("comment_author"),
        author_email=get("comment_author_email"),
        author_url=get("comment_author_url"),
        ip_address=get("comment_author_IP"),
        created_at=_date(fields, "comment_date_gmt", "comment_date", tz),
        status=COMMENT_STATUSES.get(get("comment_approved"), s.PENDING),
        kind=COMMENT_KINDS.get(get("comment_type"), s.COMMENT),
        body=comment_text(fields.get("comment_content", ("", 0))[0]),
        line=line,
    )


def blog_time_zone(name: str) -> datetime.tzinfo:
    """Return the zone named, for `iter_wxr(tz=...)`."""
    return ZoneInfo(name)
