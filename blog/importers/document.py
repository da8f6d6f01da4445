"""What the parser makes of a post document: frozen dataclasses, no database.

Every element keeps the line it came from, so later checks can name the line too.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.text import slugify


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

    @property
    def body(self) -> str:
        return "\n\n".join(self.body_paragraphs)

    @property
    def slug(self) -> str:
        return slugify(self.title)[:200].strip("-")

    @property
    def author_name(self) -> str:
        """The author the document names: its author box, else its “By …” sign-off."""
        if self.author and self.author.name:
            return self.author.name
        return self.signed_by
