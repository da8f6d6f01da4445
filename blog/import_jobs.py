"""Large admin imports run by the worker (outbox jobs), not in the editor's request.

An upload over IMPORT_INLINE_MAX_BYTES is stored and queued (`*_enqueue`); the worker
calls the handler, which imports exactly as the admin page would in the request (the same
`import_items` and `import_documents`), reporting progress per post or document. Both
imports are idempotent (posts and comments are keyed by their source ids), so a job that
a dead worker left half done is simply run again. The report is kept on the job as JSON
for its progress page (`blog.platforms.admin_views.import_job_view`).
"""

import datetime
import tempfile
import zipfile

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files import File

from blog.importers.batch import (
    DocumentOutcome,
    SourceDocument,
    import_documents,
    parse_document,
    summarise,
)
from blog.importers.document import ImportFormatError
from blog.models import Post
from blog.platforms.blogger import iter_blogger
from blog.platforms.report import CREATED, SKIPPED, UNCHANGED, UPDATED, ImportReport
from blog.platforms.source import SourcePost
from blog.platforms.writer import ImportOptions, import_items
from blog.platforms.wxr import iter_wxr
from outbox.jobs import JobFailed, Progress, job_enqueue, register
from outbox.models import Job

PLATFORM_IMPORT = "blog.import_platform"
DOCUMENTS_IMPORT = "blog.import_documents"
KINDS = (PLATFORM_IMPORT, DOCUMENTS_IMPORT)
PARSERS = {"wordpress": iter_wxr, "blogger": iter_blogger}


def register_import_jobs() -> None:
    """Give the worker the blog's kinds of job (called from BlogConfig.ready)."""
    register(PLATFORM_IMPORT, run_platform_import)
    register(DOCUMENTS_IMPORT, run_documents_import)


def runs_inline(size: int) -> bool:
    """Return True if an upload of this many bytes is imported in the request."""
    return size <= settings.IMPORT_INLINE_MAX_BYTES


def import_jobs():
    """The jobs the import pages show (any editor's). A queryset."""
    return Job.objects.filter(kind__in=KINDS)


def log_imported(user_id: int | None, written: list[tuple[Post, str]], name: str) -> None:
    """Record each post written in the admin history, under the user who imported it."""
    if user_id is None:
        return
    for post, action in written:
        LogEntry.objects.log_actions(
            user_id=user_id,
            queryset=[post],
            action_flag=ADDITION if action == CREATED else CHANGE,
            change_message=f"Imported from {name}",
            single_object=True,
        )


# --- WordPress and Blogger exports ------------------------------------------------------


def platform_options_payload(options: ImportOptions, platform: str) -> dict:
    return {
        "platform": platform,
        "dry_run": options.dry_run,
        "as_draft": options.as_draft,
        "since": options.since.isoformat() if options.since else None,
        "pingbacks": options.pingbacks,
    }


def platform_import_enqueue(*, upload, platform: str, options: ImportOptions, user) -> Job:
    """Store an export and queue its import. Runs queries."""
    return job_enqueue(
        kind=PLATFORM_IMPORT,
        name=upload.name,
        payload=platform_options_payload(options, platform),
        upload=upload,
        user=user,
    )


def platform_report(report: ImportReport) -> dict:
    """The report as the progress page shows it: counts and the command's summary lines.

    Counts are (key, count) pairs: PostgreSQL's jsonb does not keep the order of keys.
    """
    counts = [(key, report.posts[key]) for key in (CREATED, UPDATED, UNCHANGED, SKIPPED)]
    return {"dry_run": report.dry_run, "counts": counts, "lines": report.summary()}


def run_platform_import(job: Job, progress: Progress) -> dict:
    """Check the whole export first (nothing is written if it is malformed), then import it."""
    payload = job.payload
    parse = PARSERS[payload["platform"]]
    since = payload["since"]
    options = ImportOptions(
        dry_run=payload["dry_run"],
        as_draft=payload["as_draft"],
        since=datetime.datetime.fromisoformat(since) if since else None,
        pingbacks=payload["pingbacks"],
        user=job.requested_by,
    )
    with job.file.open("rb") as handle:
        total = 0
        progress(0, stage="Checking the file")
        try:
            for item in parse(handle):
                if isinstance(item, SourcePost):
                    total += 1
                    progress(total)
        except ImportFormatError as error:
            raise JobFailed(error.format(job.name)) from None
        handle.seek(0)
        progress(0, total=total, stage="Importing posts")
        report = import_items(
            parse(handle), options=options, progress=lambda r: progress(r.posts_seen)
        )
    posts = Post.objects.in_bulk([pk for pk, _ in report.written])
    log_imported(job.requested_by_id, [(posts[pk], a) for pk, a in report.written], job.name)
    return platform_report(report)


# --- Post documents ---------------------------------------------------------------------


def documents_import_enqueue(*, documents: list[SourceDocument], options: dict, user) -> Job:
    """Store the documents (as one zip file) and queue their import. Runs queries.

    `options` holds import_documents' keyword arguments: published_at, author_name,
    dry_run, draft and allow_unterminated.
    """
    published = options["published_at"]
    payload = {
        **options,
        "published_at": published.isoformat() if published else None,
        "names": [document.name for document in documents],
    }
    with tempfile.TemporaryFile() as archive:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for number, document in enumerate(documents):
                zipped.writestr(str(number), document.data)
        archive.seek(0)
        name = documents[0].name if len(documents) == 1 else f"{len(documents)} documents"
        return job_enqueue(
            kind=DOCUMENTS_IMPORT,
            name=name,
            payload=payload,
            upload=File(archive, name="documents.zip"),
            user=user,
        )


def documents_report(outcomes: list[DocumentOutcome], *, dry_run: bool) -> dict:
    """The report of a batch of documents, as the import page and a job's page show it:
    counts, then one row per document (its result in words, its post, its changes)."""
    failed = any(outcome.error for outcome in outcomes)
    return {
        "dry_run": dry_run,
        "failed": failed,
        "counts": list(summarise(outcomes).items()),
        "documents": [_document_row(outcome, failed) for outcome in outcomes],
    }


def _document_row(outcome: DocumentOutcome, failed: bool) -> dict:
    if outcome.error:
        return {"name": outcome.name, "error": outcome.error}
    post = outcome.result.post
    shown = outcome.post_stored and (outcome.written or outcome.action == UNCHANGED)
    return {
        "name": outcome.name,
        "result": _result_in_words(outcome, failed),
        "title": post.title,
        "post": post.pk if outcome.post_stored else None,
        "url": post.get_absolute_url() if shown else "",
        "draft": post.status == Post.Status.DRAFT,
        "changes": [*outcome.notes, *outcome.post_changes],
        "comment_count": outcome.comment_count,
        "comments": list(outcome.comment_changes.items()),
    }


def _result_in_words(outcome: DocumentOutcome, failed: bool) -> str:
    if outcome.written:
        return outcome.action.capitalize()
    if failed:
        return "No errors; not imported"
    return {CREATED: "Would create", UPDATED: "Would update"}.get(outcome.action, "Unchanged")


def run_documents_import(job: Job, progress: Progress) -> dict:
    """Check every document, then import them all in one transaction, or none."""
    payload = job.payload
    names = payload["names"]
    with job.file.open("rb") as handle, zipfile.ZipFile(handle) as zipped:

        def documents():
            for number, name in enumerate(names):
                yield SourceDocument(name=name, data=zipped.read(str(number)))

        progress(0, total=len(names), stage="Checking the documents")
        refused = []
        for done, document in enumerate(documents(), start=1):
            try:
                parse_document(document, allow_unterminated=payload["allow_unterminated"])
            except ImportFormatError as error:
                message = error.format(document.name)
                refused.append(DocumentOutcome(name=document.name, error=message))
            progress(done)
        if refused:
            report = documents_report(refused, dry_run=payload["dry_run"])
            raise JobFailed(nothing_imported(len(refused), len(names)), result=report)
        progress(0, stage="Importing the documents, all together")
        published = payload["published_at"]
        outcomes = import_documents(
            documents(),
            published_at=datetime.datetime.fromisoformat(published) if published else None,
            author_name=payload["author_name"],
            dry_run=payload["dry_run"],
            draft=payload["draft"],
            allow_unterminated=payload["allow_unterminated"],
            all_or_nothing=True,
            user=job.requested_by,
            progress=progress,
        )
    report = documents_report(outcomes, dry_run=payload["dry_run"])
    if failed := sum(1 for outcome in outcomes if outcome.error):
        raise JobFailed(nothing_imported(failed, len(outcomes)), result=report)
    for outcome in outcomes:
        if outcome.written and outcome.action != "unchanged":
            log_imported(job.requested_by_id, [(outcome.result.post, outcome.action)], outcome.name)
    return report


def nothing_imported(failed: int, total: int) -> str:
    """The message for a batch of documents refused because some have errors."""
    have = "has" if failed == 1 else "have"
    return (
        f"Nothing was imported: {failed} of {total} document{'s' if total != 1 else ''} "
        f"{have} errors. Correct them and upload the documents again."
    )
