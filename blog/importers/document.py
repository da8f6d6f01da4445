"""What the parser makes of a post document: frozen dataclasses, no database.

Every element keeps the line it came from, so later checks can name the line too.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from blog.hashtags import HASHTAG_NAME

# A #Tag written in text; "&#39;" and "C#" are not tags.
HASHTAG = re.compile(rf"(?<![\w#&])#({HASHTAG_NAME})")
# A label that can be a hashtag as it is: one word.
ONE_WORD = re.compile(HASHTAG_NAME)


def dedupe_tags(tags) -> tuple[str, ...]:
    """Drop repeated tags (ignoring case), keeping the first spelling and the order."""
    seen: set[str] = set()
    unique = []
    for tag in tags:
        if tag.lower() not in seen:
            seen.add(tag.lower())
            unique.append(tag)
    return tuple(unique)


class ImportFormatError(ValueError):
    """A document that cannot be imported; names the line (and column) at fault."""

    def __init__(self, message: str, line: int, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def location(self, path: str) -> str:
        where = f"{path}:{self.line}"
        if self.column is not None:
            where += f":{self.column}"
        return where

    def format(self, path: str) -> str:
        """Return `PATH:LINE[:COL]: message`, the form compilers use."""
        return f"{self.location(path)}: {self.message}"

    def __str__(self) -> str:
        return self.format("<document>")


@dataclass(frozen=True)
class ParsedAbstractSection:
    label: str
    text: str
    line: int


@dataclass(frozen=True)
class ParsedPaper:
    authors: str
    title: str
    journal: str
    published_on: datetime.date
    date_precision: str  # "year", "month" or "day"
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    epub_ahead_of_print: bool
    abstract: tuple[ParsedAbstractSection, ...]
    line: int


@dataclass(frozen=True)
class ParsedAuthor:
    name: str
    bio: str
    line: int


@dataclass(frozen=True)
class ParsedComment:
    ref: str  # position in the thread: "3" is the third top-level comment, "3.2" its 2nd reply
    parent_ref: str | None
    depth: int
    author_name: str
    body: str
    line: int


@dataclass(frozen=True)
class ParsedPost:
    title: str
    title_line: int
    series: str
    teaser: str
    hashtags: tuple[str, ...]
    body_paragraphs: tuple[str, ...]
    body_line: int
    papers: tuple[ParsedPaper, ...]
    conflict_of_interest: str
    author: ParsedAuthor | None
    signed_by: str
    published_on: datetime.date | None
    comments: tuple[ParsedComment, ...] = field(default=())
    labels: tuple[str, ...] = field(default=())  # from the page's `Labels:` line

    @property
    def body(self) -> str:
        return "\n\n".join(self.body_paragraphs)

    @property
    def slug(self) -> str:
        return slugify(self.title)[:200].strip("-")

    @property
    def tags(self) -> tuple[str, ...]:
        """The post's hashtags: the title's and teaser's, those inline in the body, then the
        one-word labels."""
        inline = HASHTAG.findall(self.body)
        return dedupe_tags([*self.hashtags, *inline, *self.label_tags])

    @property
    def label_tags(self) -> tuple[str, ...]:
        return tuple(label for label in self.labels if ONE_WORD.fullmatch(label))

    @property
    def labels_not_tags(self) -> tuple[str, ...]:
        """Labels of several words, which cannot be hashtags."""
        return tuple(label for label in self.labels if not ONE_WORD.fullmatch(label))

    @property
    def author_name(self) -> str:
        """The author the document names: its author box, else its “By …” sign-off."""
        if self.author and self.author.name:
            return self.author.name
        return self.signed_by
