"""Import several post documents at once: the loop `manage.py import_post` and the admin share.

Each document is decoded as UTF-8 (a BOM is dropped; the parser handles any line ending),
parsed, keyed by its file name without the extension (its `source_ref`) and written by
`import_post`, each in its own transaction. A dry run writes inside a transaction that is
rolled back, so it reports exactly what a real run would change.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from blog.importers.document import ImportFormatError, ParsedPost
from blog.importers.limits import Limits
from blog.importers.parser import decode_document, parse_post_document
from blog.importers.writer import CREATED, ImportResult, import_post
from blog.markup import render_markdown

FORMAT_DOCUMENT = "docs/import-format.md"


@dataclass(frozen=True)
class SourceDocument:
    """A document's bytes and its name: the path given to the command, or the uploaded name."""

    name: str
    data: bytes

    @property
    def source_ref(self) -> str:
        """Return the import key: the file name without its extension, as the command uses."""
        return PurePath(self.name).stem


@dataclass
class DocumentOutcome:
    """What importing one document did (or, when nothing was written, would have done)."""

    name: str
    result: ImportResult | None = None
    error: str = ""  # "NAME:LINE[:COL]: message"
    written: bool = False  # False for errors, dry runs and batches rolled back
    comment_count: int = 0  # comments in the document

    @property
    def action(self) -> str:
        return self.result.action if self.result else ""

    @property
    def post_stored(self) -> bool:
        """Return True if the post is in the database (written now, or there before)."""
        return self.result is not None and (self.written or self.result.action != CREATED)

    @property
    def post_changes(self) -> list[str]:
        """Return the changes other than comments, e.g. "post title changed"."""
        return self.result.changes if self.result else []

    @property
    def comment_changes(self) -> dict[str, int]:
        """Count the comments added, edited and removed, e.g. {"added": 13}."""
        return self.result.comments.counts() if self.result else {}

    @property
    def notes(self) -> list[str]:
        return self.result.notes if self.result else []


def summarise(outcomes: list[DocumentOutcome]) -> dict[str, int]:
    """Count the documents per result: created, updated, unchanged and refused."""
    counts = dict.fromkeys(("created", "updated", "unchanged", "refused"), 0)
    for outcome in outcomes:
        counts["refused" if outcome.error else outcome.action] += 1
    return counts


class _RollBack(Exception):
    """Raised inside the batch's transaction to undo it (dry run, or a failed batch)."""


def parse_published(value: str) -> datetime.datetime:
    """Accept an ISO date (midnight, local time) or an ISO date-time; raise ValueError."""
    moment = parse_datetime(value.strip())
    if moment is None:
        date = parse_date(value.strip())
        if date is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(date, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def import_documents(
    documents: Iterable[SourceDocument],
    *,
    published_at: datetime.datetime | None = None,
    author_name: str = "",
    dry_run: bool = False,
    draft: bool = False,
    allow_unterminated: bool = False,
    all_or_nothing: bool = False,
    user=None,
    progress: Callable[[int], None] | None = None,
) -> list[DocumentOutcome]:
    """Import each document in turn; return one outcome per document, in order.

    A document with an error writes nothing and the others are still imported, unless
    `all_or_nothing` is set: then one error rolls the whole batch back. `dry_run` rolls
    everything back, so each outcome tells what would change (later documents see what
    earlier ones would have written, as in a real run). `user` is recorded as the author of
    the post versions the import creates. `draft` and `allow_unterminated` are passed to
    the writer and the parser. `progress`, if given, is called with the number of documents
    done after each one (inside the batch's transaction, if there is one). Runs queries.
    """
    options = {
        "published_at": published_at,
        "author_name": author_name,
        "draft": draft,
        "user": user,
    }
    outcomes: list[DocumentOutcome] = []
    # Each document is already atomic on its own (import_post); an enclosing transaction is
    # needed only to undo documents that succeeded.
    batch = transaction.atomic() if dry_run or all_or_nothing else contextlib.nullcontext()
    rolled_back = False
    try:
        with batch:
            for document in documents:
                outcomes.append(_import_one(document, allow_unterminated, options))
                if progress:
                    progress(len(outcomes))
            if dry_run or (all_or_nothing and any(o.error for o in outcomes)):
                raise _RollBack
    except _RollBack:
        rolled_back = True
    for outcome in outcomes:
        outcome.written = not rolled_back and not outcome.error
    return outcomes


def _import_one(
    document: SourceDocument, allow_unterminated: bool, options: dict
) -> DocumentOutcome:
    try:
        parsed = parse_document(document, allow_unterminated=allow_unterminated)
        result = import_post(parsed, source_ref=document.source_ref, **options)
    except ImportFormatError as error:
        return DocumentOutcome(name=document.name, error=error.format(document.name))
    return DocumentOutcome(name=document.name, result=result, comment_count=len(parsed.comments))


def parse_document(document: SourceDocument, *, allow_unterminated: bool = False) -> ParsedPost:
    """Decode and parse one document within the limits; raise ImportFormatError. No queries."""
    text = decode_document(document.data)
    return parse_post_document(text, allow_unterminated=allow_unterminated, limits=import_limits())


def import_limits() -> Limits:
    """The most one document may hold, from the settings (IMPORT_MAX_*)."""
    return Limits(
        hashtags=settings.IMPORT_MAX_HASHTAGS,
        papers=settings.IMPORT_MAX_PAPERS,
        comments=settings.IMPORT_MAX_COMMENTS,
        line_length=settings.IMPORT_MAX_LINE_LENGTH,
    )


def import_format_html() -> str:
    """Return the document format's description (docs/import-format.md) as safe HTML."""
    path = settings.BASE_DIR / FORMAT_DOCUMENT
    return render_markdown(path.read_text(encoding="utf-8"))
