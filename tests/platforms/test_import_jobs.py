"""Large admin imports go to the worker: the request stores and queues the upload, the
editor lands on a progress page, and `run_worker` imports it (WordPress/Blogger exports and
post documents alike)."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blog.import_jobs import DOCUMENTS_IMPORT, PLATFORM_IMPORT
from blog.models import Post
from comments.models import Comment
from comments.trees import find_tree_problems
from outbox import jobs
from outbox.models import Job
from tests.html import text_of

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EXPORT = FIXTURES / "wordpress" / "export.xml"
SEED = FIXTURES / "clinicspeak-alemtuzumab-nmo.txt"
PLATFORM_URL = reverse("admin:blog_post_import_platform")
DOCUMENTS_URL = reverse("admin:blog_post_import")


@pytest.fixture(autouse=True)
def small_inline_limit(settings):
    """Every upload here counts as large: over 1,000 bytes goes to the worker."""
    settings.IMPORT_INLINE_MAX_BYTES = 1000


def upload_export(client, data: bytes, name="export.xml", **fields):
    export = SimpleUploadedFile(name, data, content_type="text/xml")
    fields = {"platform": "wordpress", "pingbacks": "skip", "export": export, **fields}
    return client.post(PLATFORM_URL, fields)


def upload_documents(client, *files: tuple[str, bytes], **fields):
    documents = [SimpleUploadedFile(n, d, content_type="text/plain") for n, d in files]
    return client.post(DOCUMENTS_URL, {"documents": documents, **fields})


def job_url(job) -> str:
    return reverse("admin:blog_post_import_job", args=[job.pk])


def run_worker():
    call_command("run_worker", "--once", "--only", "jobs", verbosity=0)


def page(client, job) -> BeautifulSoup:
    response = client.get(job_url(job))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def summary(client, job) -> str:
    return text_of(page(client, job).find(id="import-job-summary"))


# --- WordPress and Blogger exports -------------------------------------------------------


def test_a_large_export_is_queued_and_the_request_imports_nothing(staff_client):
    response = upload_export(staff_client, EXPORT.read_bytes())

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert not Post.objects.exists() and not Comment.objects.exists()
    assert (job.kind, job.name, job.status) == (PLATFORM_IMPORT, "export.xml", "queued")
    assert job.requested_by.username == "editor"
    with job.file.open("rb") as stored:
        assert stored.read() == EXPORT.read_bytes()
    assert summary(staff_client, job) == "Waiting for the worker."
    assert "manage.py run_worker" in text_of(page(staff_client, job))


def test_the_worker_imports_it_and_the_page_shows_the_report(staff_client):
    upload_export(staff_client, EXPORT.read_bytes())
    job = Job.objects.get()
    stored = job.file.name

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 5, 5)
    assert Post.objects.count() == 5 and Comment.objects.count() == 15
    assert find_tree_problems() == []
    assert not default_storage.exists(stored)  # the upload is not kept once imported
    html = page(staff_client, job)
    assert text_of(html.find(id="import-job-summary")) == "Finished."
    assert html.find(id="import-job")["data-finished"] == "true"
    assert not html.find("script", src=re.compile("import-job"))  # no more refreshing
    report = text_of(html.find(id="import-report"))
    assert "Posts: 5 created, 0 updated, 0 unchanged, 0 skipped" in report
    assert "wp:10 “About this blog”: a WordPress page, not a post" in report
    entries = LogEntry.objects.filter(
        action_flag=ADDITION, change_message="Imported from export.xml"
    )
    assert entries.count() == 5
    assert {entry.user.username for entry in entries} == {"editor"}


def test_progress_is_recorded_per_post_and_shown_while_it_runs(staff_client, monkeypatch):
    upload_export(staff_client, EXPORT.read_bytes())
    job = Job.objects.get()
    seen = []
    report = jobs.Progress.__call__

    def watch(self, done, **kwargs):
        report(self, done, **kwargs)
        row = Job.objects.get(pk=job.pk)
        seen.append((row.stage, row.done, row.total))
        if (row.stage, done) == ("Importing posts", 3):
            seen.append(summary(staff_client, job))
            seen.append(page(staff_client, job).find("progress").attrs)

    monkeypatch.setattr(jobs.Progress, "__call__", watch)
    run_worker()

    checking = [("Checking the file", n, None) for n in range(6)]
    importing = [("Importing posts", n, 5) for n in range(6)]
    assert seen[:6] == checking
    assert seen[6:10] == importing[:4]
    assert seen[10] == "Importing posts: 3 of 5."
    assert (seen[11]["value"], seen[11]["max"]) == ("3", "5")
    assert seen[12:] == importing[4:]


def test_a_malformed_export_fails_with_the_file_and_line_and_writes_nothing(staff_client):
    lines = EXPORT.read_text(encoding="utf-8").split("\n")
    lines[540] += "<wp:broken>"  # after the first posts: in the request they would be saved
    upload_export(staff_client, "\n".join(lines).encode())
    job = Job.objects.get()

    run_worker()

    job.refresh_from_db()
    assert job.status == "failed"
    assert re.fullmatch(r"export\.xml:\d+: not well-formed XML: .+", job.error)
    assert not Post.objects.exists() and not Comment.objects.exists()
    html = page(staff_client, job)
    assert text_of(html.find(id="import-job-summary")) == "Failed: nothing more will be done."
    assert text_of(html.find(id="import-job-error")) == job.error


def test_a_job_left_half_done_by_a_dead_worker_is_finished_once_without_duplicates(
    staff_client, monkeypatch, settings
):
    upload_export(staff_client, EXPORT.read_bytes())
    job = Job.objects.get()
    report = jobs.Progress.__call__

    class Killed(BaseException):
        pass

    def die_after_two_posts(self, done, **kwargs):
        report(self, done, **kwargs)
        if Job.objects.get(pk=job.pk).stage == "Importing posts" and done == 2:
            raise Killed

    monkeypatch.setattr(jobs.Progress, "__call__", die_after_two_posts)
    with pytest.raises(Killed):
        run_worker()
    assert Post.objects.count() == 2  # each post commits with its whole thread
    monkeypatch.setattr(jobs.Progress, "__call__", report)

    run_worker()  # the lease still holds: nobody takes the job over yet
    assert Job.objects.get().status == "running"
    later = timezone.now() + datetime.timedelta(seconds=settings.JOBS_LEASE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert "Posts: 3 created, 0 updated, 2 unchanged, 0 skipped" in job.result["lines"][0]
    assert Post.objects.count() == 5 and Comment.objects.count() == 15
    assert find_tree_problems() == []


def test_importing_the_same_export_again_through_the_worker_changes_nothing(staff_client):
    for _ in range(2):
        upload_export(staff_client, EXPORT.read_bytes())
        run_worker()

    second = Job.objects.order_by("pk").last()
    assert second.result["counts"] == [
        ["created", 0],
        ["updated", 0],
        ["unchanged", 5],
        ["skipped", 0],
    ]
    assert Post.objects.count() == 5 and Comment.objects.count() == 15


def test_a_queued_dry_run_saves_nothing_and_says_so(staff_client):
    data = (FIXTURES / "blogger" / "export.xml").read_bytes()
    upload_export(staff_client, data, platform="blogger", dry_run="on")

    run_worker()

    job = Job.objects.get()
    assert job.status == "done" and job.result["dry_run"]
    assert not Post.objects.exists()
    assert summary(staff_client, job) == "Dry run finished: nothing was saved."


def test_bad_input_on_a_large_upload_comes_back_as_typed_and_queues_nothing(staff_client):
    response = upload_export(staff_client, EXPORT.read_bytes(), since="last tuesday")

    assert response.status_code == 200
    form = response.context["form"]
    assert "since" in form.errors
    assert form["since"].value() == "last tuesday"
    assert not Job.objects.exists()


# --- Post documents ----------------------------------------------------------------------


def test_large_post_documents_are_queued_then_imported_by_the_worker(staff_client):
    response = upload_documents(staff_client, (SEED.name, SEED.read_bytes()), draft="on")

    job = Job.objects.get()
    assert response["Location"] == job_url(job)
    assert (job.kind, job.name) == (DOCUMENTS_IMPORT, SEED.name)
    assert not Post.objects.exists()

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT and post.comments.count() == 13
    html = page(staff_client, job)
    assert text_of(html.find(id="import-counts")) == "1 created 0 updated 0 unchanged 0 refused"
    row = text_of(html.select_one("#import-results tbody tr"))
    assert row.startswith(f"{SEED.name} Created {post.title} Change")
    assert LogEntry.objects.get(change_message=f"Imported from {SEED.name}").user.username == (
        "editor"
    )


def test_a_batch_with_a_bad_document_fails_naming_it_and_imports_none(staff_client):
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("  • ") + 200]  # the page ends inside a comment
    upload_documents(staff_client, ("good.txt", SEED.read_bytes()), ("cut.txt", cut.encode()))

    run_worker()

    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error.startswith("Nothing was imported: 1 of 2 documents has errors.")
    [refused] = [d for d in job.result["documents"] if d["error"]]
    assert re.match(r"cut\.txt:\d+: ", refused["error"])
    assert not Post.objects.exists() and not Comment.objects.exists()
    rows = page(staff_client, job).select("#import-results tbody tr")
    assert [text_of(row.th) for row in rows] == ["cut.txt"]
    assert refused["error"] in text_of(rows[0])


def test_bad_options_on_large_documents_come_back_as_typed_and_queue_nothing(staff_client):
    response = upload_documents(
        staff_client, (SEED.name, SEED.read_bytes()), published="next tuesday", author="Prof G"
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "published" in form.errors
    assert (form["published"].value(), form["author"].value()) == ("next tuesday", "Prof G")
    assert not Job.objects.exists() and not Post.objects.exists()


# --- Who may see a job -------------------------------------------------------------------


def test_only_staff_who_may_import_see_a_job(staff_client, client, django_user_model):
    upload_export(staff_client, EXPORT.read_bytes())
    job = Job.objects.get()
    moderator = django_user_model.objects.create_user("mod", password="pw", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))

    client.logout()
    assert client.get(job_url(job)).status_code == 302  # to the login page
    client.force_login(moderator)
    assert client.get(job_url(job)).status_code == 403
    client.force_login(editor)
    assert client.get(job_url(job)).status_code == 200
    assert client.get(reverse("admin:blog_post_import_job", args=[job.pk + 1])).status_code == 404


def test_a_job_of_another_kind_is_not_an_import(staff_client):
    other = Job.objects.create(kind="tests.other", name="secret", due_at=timezone.now())

    assert staff_client.get(job_url(other)).status_code == 404


def test_the_import_pages_list_recent_queued_imports(staff_client):
    upload_export(staff_client, EXPORT.read_bytes())
    job = Job.objects.get()

    for url in (DOCUMENTS_URL, PLATFORM_URL):
        listed = BeautifulSoup(staff_client.get(url).content, "html.parser").find(id="import-jobs")
        assert listed.find("a")["href"] == job_url(job)
        assert text_of(listed).startswith("export.xml : queued (")
