"""Import saved post documents: `manage.py import_post PATH|DIR [...] [--dry-run] [--draft]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.importers.batch import (
    DocumentOutcome,
    SourceDocument,
    import_documents,
    parse_published,
    summarise,
)

DRY_RUN_VERBS = {"created": "would create", "updated": "would update", "unchanged": "unchanged"}


def document_paths(paths: list[str]) -> list[Path]:
    """Return the files to import: each file given, and each folder's *.txt files by name."""
    found = []
    for path in map(Path, paths):
        found.extend(sorted(path.glob("*.txt")) if path.is_dir() else [path])
    return found


class Command(BaseCommand):
    help = (
        "Import saved post documents (page text): files, or folders of *.txt files. Each "
        "document is written in one transaction; re-importing an unchanged document changes "
        "nothing. Prints one line per document and a summary. The grammar is in "
        "docs/import-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="Document files (UTF-8), or folders of them."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse, validate and report; write nothing."
        )
        parser.add_argument(
            "--draft", action="store_true", help="Save the posts as drafts, to review them first."
        )
        parser.add_argument(
            "--allow-unterminated",
            action="store_true",
            help="Accept pages whose comments run to the end of the file (no page footer): "
            "say so only when the pages were saved completely.",
        )
        parser.add_argument(
            "--published",
            metavar="DATE",
            help="Publication date or date-time (ISO 8601) for documents without a date line.",
        )
        parser.add_argument(
            "--author",
            metavar="NAME",
            default="",
            help="Author for documents that name none (default: the BLOG_DEFAULT_AUTHOR setting).",
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

        unreadable = 0
        documents = []
        for path in document_paths(options["paths"]):
            try:
                documents.append(SourceDocument(name=str(path), data=path.read_bytes()))
            except OSError as error:
                unreadable += 1
                self.stderr.write(
                    self.style.ERROR(f"{path}: cannot read the file: {error.strerror}")
                )
        outcomes = import_documents(
            documents,
            published_at=published_at,
            author_name=options["author"],
            dry_run=options["dry_run"],
            draft=options["draft"],
            allow_unterminated=options["allow_unterminated"],
        )
        for outcome in outcomes:
            if outcome.error:
                self.stderr.write(self.style.ERROR(outcome.error))
            else:
                self.report(outcome, dry_run=options["dry_run"])
        self.summary(outcomes, unreadable, dry_run=options["dry_run"])

    def report(self, outcome: DocumentOutcome, *, dry_run: bool) -> None:
        result = outcome.result
        post = result.post
        action = DRY_RUN_VERBS[result.action] if dry_run else result.action
        draft = " (draft)" if post.status == post.Status.DRAFT else ""
        summary = f"{action}: {outcome.name} -> “{post.title}” at {post.get_absolute_url()}{draft}"
        self.stdout.write(self.style.SUCCESS(summary))
        for note in result.notes:
            self.stdout.write(f"  note: {note}")
        if self.verbosity >= 2 or dry_run:
            for change in result.describe():
                self.stdout.write(f"  {change}")

    def summary(self, outcomes: list[DocumentOutcome], unreadable: int, *, dry_run: bool) -> None:
        counts = summarise(outcomes)
        counts["refused"] += unreadable
        total = len(outcomes) + unreadable
        line = ", ".join(f"{count} {name}" for name, count in counts.items())
        if dry_run:
            line += " (dry run: nothing was written)"
        self.stdout.write(f"{total} document{'s' if total != 1 else ''}: {line}")
        if counts["refused"]:
            raise CommandError(
                f"{counts['refused']} of {total} document(s) not imported; "
                "nothing was written for them"
            )
