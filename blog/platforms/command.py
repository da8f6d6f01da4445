"""The command both platform importers share (import_wordpress, import_blogger)."""

import datetime
import os
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from blog.platforms.report import ImportReport
from blog.platforms.source import ImportFormatError
from blog.platforms.writer import PINGBACKS_HOLD, PINGBACKS_SKIP, ImportOptions, import_items


def parse_since(value: str) -> datetime.datetime:
    """Return an ISO date (local midnight) or date-time (local unless it says) as aware."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: {value!r} is not an ISO date or date-time") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


PROGRESS_WIDTH = 30


class PlatformImportCommand(BaseCommand):
    platform = ""  # "WordPress" or "Blogger", for messages

    def items(self, source: BinaryIO):
        """Return the parser's iterator over the export (an open binary file)."""
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help=f"The {self.platform} export (XML).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check everything; save nothing."
        )
        parser.add_argument("--as-draft", action="store_true", help="Import every post as a draft.")
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="Only posts published, edited or commented on since DATE (ISO 8601).",
        )
        parser.add_argument(
            "--pingbacks",
            choices=[PINGBACKS_SKIP, PINGBACKS_HOLD],
            default=PINGBACKS_SKIP,
            help="skip pingbacks and trackbacks (default), or hold them for moderation, "
            "apart from the discussion.",
        )

    def handle(self, *args, **options):
        import_options = ImportOptions(
            dry_run=options["dry_run"],
            as_draft=options["as_draft"],
            since=parse_since(options["since"]) if options["since"] else None,
            pingbacks=options["pingbacks"],
        )
        path = options["path"]
        live = options["verbosity"] > 0 and self.stderr.isatty()
        try:
            with open(path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size or 1
                report = import_items(
                    self.items(handle),
                    options=import_options,
                    progress=(lambda r: self._progress(r, handle.tell() / size)) if live else None,
                )
        except ImportFormatError as error:
            raise CommandError(error.format(path)) from None
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file: {error.strerror}") from None
        finally:
            if live:
                self.stderr.write("")
        lines = report.summary()
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)

    def _progress(self, report: ImportReport, done: float) -> None:
        """Redraw the bar: how much of the file is read, and what was imported so far."""
        filled = min(PROGRESS_WIDTH, round(done * PROGRESS_WIDTH))
        bar = "#" * filled + "." * (PROGRESS_WIDTH - filled)
        self.stderr.write(
            f"\r[{bar}] {min(done, 1):4.0%} {report.posts_seen} posts, "
            f"{sum(report.comments.values())} comments",
            ending="",
        )
