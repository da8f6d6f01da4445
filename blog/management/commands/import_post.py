"""Import saved post documents: `manage.py import_post PATH [PATH ...] [--dry-run]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.importers.batch import (
    DocumentOutcome,
    SourceDocument,
    import_documents,
    parse_published,
)


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
        documents = []
        for path in options["paths"]:
            try:
                documents.append(SourceDocument(name=path, data=Path(path).read_bytes()))
            except OSError as error:
                failures += 1
                self.stderr.write(
                    self.style.ERROR(f"{path}: cannot read the file: {error.strerror}")
                )
        outcomes = import_documents(
            documents,
            published_at=published_at,
            author_name=options["author"],
            dry_run=options["dry_run"],
        )
        for outcome in outcomes:
            if outcome.error:
                failures += 1
                self.stderr.write(self.style.ERROR(outcome.error))
            else:
                self.report(outcome, dry_run=options["dry_run"])

        if failures:
            raise CommandError(
                f"{failures} of {len(options['paths'])} document(s) not imported; "
                "nothing was written for them"
            )

    def report(self, outcome: DocumentOutcome, *, dry_run: bool) -> None:
        result = outcome.result
        post = result.post
        verb = {"created": "would create", "updated": "would update", "unchanged": "unchanged"}
        action = verb[result.action] if dry_run else result.action
        summary = f"{action}: {outcome.name} -> “{post.title}” at {post.get_absolute_url()}"
        self.stdout.write(self.style.SUCCESS(summary))
        if self.verbosity >= 2 or dry_run:
            for change in result.changes:
                self.stdout.write(f"  {change}")
