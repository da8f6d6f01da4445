"""Import saved post documents: `manage.py import_post PATH [PATH ...] [--dry-run]`."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from blog.importers import ImportFormatError, decode_document, parse_post_document
from blog.importers.writer import ImportResult, import_post


class DryRunRollback(Exception):
    """Raised inside the transaction to undo a dry run."""

    def __init__(self, result: ImportResult):
        self.result = result


def parse_published(value: str) -> datetime.datetime:
    """Accept an ISO date (midnight, local time) or an ISO date-time."""
    moment = parse_datetime(value)
    if moment is None:
        date = parse_date(value)
        if date is None:
            raise ValueError(value)
        moment = datetime.datetime.combine(date, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Import one or more saved post documents (page text). Each document is written in "
        "one transaction; re-importing an unchanged document changes nothing. "
        "The grammar is in docs/import-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Document files (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse, validate and report; write nothing."
        )
        parser.add_argument(
            "--published",
            metavar="DATE",
            help="Publication date or date-time (ISO 8601) for documents without a date line.",
        )
        parser.add_argument(
            "--author", metavar="NAME", default="", help="Author for documents that name none."
        )

    def handle(self, *paths, **options):
        self.verbosity = options["verbosity"]
        published_at = None
        if options["published"]:
            try:
                published_at = parse_published(options["published"])
            except ValueError:
                raise CommandError(
                    f"--published: {options['published']!r} is not an ISO date or date-time"
                ) from None

        failures = 0
        for path in options["paths"]:
            try:
                result = self.import_one(Path(path), published_at, options)
            except ImportFormatError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(error.format(path)))
                continue
            except OSError as error:
                failures += 1
                self.stderr.write(
                    self.style.ERROR(f"{path}: cannot read the file: {error.strerror}")
                )
                continue
            self.report(path, result, dry_run=options["dry_run"])

        if failures:
            raise CommandError(
                f"{failures} of {len(options['paths'])} document(s) not imported; "
                "nothing was written for them"
            )

    def import_one(self, path: Path, published_at, options) -> ImportResult:
        parsed = parse_post_document(decode_document(path.read_bytes()))
        kwargs = {
            "source_ref": path.stem,
            "published_at": published_at,
            "author_name": options["author"],
        }
        if not options["dry_run"]:
            return import_post(parsed, **kwargs)
        try:
            with transaction.atomic():
                raise DryRunRollback(import_post(parsed, **kwargs))
        except DryRunRollback as rollback:
            return rollback.result

    def report(self, path: str, result: ImportResult, *, dry_run: bool) -> None:
        post = result.post
        verb = {"created": "would create", "updated": "would update", "unchanged": "unchanged"}
        action = verb[result.action] if dry_run else result.action
        summary = f"{action}: {path} -> “{post.title}” at {post.get_absolute_url()}"
        self.stdout.write(self.style.SUCCESS(summary))
        if self.verbosity >= 2 or dry_run:
            for change in result.changes:
                self.stdout.write(f"  {change}")
