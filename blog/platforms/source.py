"""What the platform parsers make of an export: frozen dataclasses, no database."""

import datetime
from dataclasses import dataclass

from blog.importers.document import ImportFormatError

__all__ = [
    "ImportFormatError",
    "SkippedItem",
    "SourceAttachment",
    "SourceAuthor",
    "SourceComment",
    "SourcePost",
]

# Values of Post.Status and Comment.Status (this module cannot import the models).
PUBLISHED, DRAFT = "published", "draft"
PENDING, SPAM, REMOVED = "pending", "spam", "removed"
COMMENT, PINGBACK, TRACKBACK = "comment", "pingback", "trackback"


@dataclass(frozen=True)
class SourceAuthor:
    login: str
    display_name: str
    email: str = ""


@dataclass(frozen=True)
class SourceComment:
    source_id: str  # e.g. "wp:17"; unique within the export
    parent_id: str  # the parent's source_id, "" for a comment on the post itself
    author_name: str
    author_email: str
    author_url: str
    ip_address: str
    created_at: datetime.datetime | None
    status: str  # PUBLISHED, PENDING, SPAM or REMOVED
    kind: str  # COMMENT, PINGBACK or TRACKBACK
    body: str  # plain text, as comments here are written
    line: int


@dataclass(frozen=True)
class SourcePost:
    source_id: str  # e.g. "wp:4"
    title: str
    slug: str
    status: str  # PUBLISHED (a future date makes it scheduled) or DRAFT
    source_status: str  # as the platform says it: publish, future, private, draft, ...
    published_at: datetime.datetime
    modified_at: datetime.datetime
    author_login: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    body_html: str
    teaser: str
    comments: tuple[SourceComment, ...]
    line: int
    notes: tuple[str, ...] = ()  # what the parser dropped, e.g. "shortcode [gallery]"


@dataclass(frozen=True)
class SourceAttachment:
    """A media item the export lists; its file is not fetched."""

    source_id: str
    title: str
    url: str
    parent_id: str
    line: int


@dataclass(frozen=True)
class SkippedItem:
    """An item of the export that is not a post (a page, a menu item, ...)."""

    source_id: str
    title: str
    reason: str
    line: int
