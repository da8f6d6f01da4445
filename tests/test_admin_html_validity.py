"""The admin pages staff use every day are valid HTML (Nu HTML Checker, vnu.jar).

These pages are Django's admin around the project's own templates (the post's discussion,
history and revisions, the import page and a queued import's progress, the hashtag merge);
the checker must find no error on any of them, e.g. no `<time datetime>` with microseconds.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from outbox.models import Job
from tests.conftest import FIXTURES_DIR, SEED_PATH
from tests.factories import HashtagFactory
from tests.test_html_validity import html_errors, require_checker

pytestmark = pytest.mark.django_db

# Django's own AutocompleteSelect widget (the post's author and series) writes an empty
# <option> with no label, and a required select without an empty first option; neither is
# in this project's templates. These two messages, and only they, are Django's to fix.
DJANGO_AUTOCOMPLETE_ERRORS = (
    "Element “option” without attribute “label” must not be empty.",
    "The first “option” element in a “select” element with a “required” attribute",
)


def admin_pages(post) -> dict[str, str]:
    comment = Comment.objects.filter(post=post).first()
    revision = post.revisions.order_by("-number").first()
    return {
        "index": reverse("admin:index"),
        "posts": reverse("admin:blog_post_changelist"),
        "post": reverse("admin:blog_post_change", args=[post.pk]),  # with its Discussion
        "post-history": reverse("admin:blog_post_history", args=[post.pk]),
        "post-revision": reverse("admin:blog_post_revision", args=[post.pk, revision.number]),
        "import": reverse("admin:blog_post_import"),
        "comments": reverse("admin:comments_comment_changelist"),
        "comments-of-post": reverse("admin:comments_comment_changelist")
        + f"?post__id__exact={post.pk}",
        "comment": reverse("admin:comments_comment_change", args=[comment.pk]),
        "paper": reverse("admin:blog_paper_change", args=[post.paper_list()[0].pk]),
        "hashtags": reverse("admin:blog_hashtag_changelist"),
    }


def test_admin_pages_staff_use_have_no_html_errors(staff_client, seed_post, tmp_path):
    require_checker()
    HashtagFactory(name="msresearch2")
    files = []
    for name, url in admin_pages(seed_post).items():
        response = staff_client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)

    errors = [
        error
        for error in html_errors(files)
        if not error.split(": ", 1)[-1].startswith(DJANGO_AUTOCOMPLETE_ERRORS)
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == 11


def test_the_progress_pages_of_queued_imports_have_no_html_errors(staff_client, tmp_path, settings):
    """Waiting, running (with its <progress>), finished with a report, failed with errors."""
    require_checker()
    settings.IMPORT_INLINE_MAX_BYTES = 1000
    export = (FIXTURES_DIR / "wordpress" / "export.xml").read_bytes()

    def upload_export():
        staff_client.post(
            reverse("admin:blog_post_import_platform"),
            {
                "platform": "wordpress",
                "pingbacks": "skip",
                "export": SimpleUploadedFile("e.xml", export),
            },
        )

    upload_export()
    call_command("run_worker", "--once", "--only", "jobs", verbosity=0)
    seed = SEED_PATH.read_bytes()
    documents = [SimpleUploadedFile("good.txt", seed), SimpleUploadedFile("cut.txt", seed[:3000])]
    staff_client.post(reverse("admin:blog_post_import"), {"documents": documents})
    call_command("run_worker", "--once", "--only", "jobs", verbosity=0)
    upload_export()
    Job.objects.create(
        kind="blog.import_platform", name="big.xml", status="running", done=2, total=5,
        stage="Importing posts", attempts=1, due_at=timezone.now(), started_at=timezone.now(),
    )  # fmt: skip
    assert [job.status for job in Job.objects.order_by("pk")] == [
        "done", "failed", "queued", "running"
    ]  # fmt: skip

    files = []
    for job in Job.objects.all():
        response = staff_client.get(reverse("admin:blog_post_import_job", args=[job.pk]))
        assert response.status_code == 200
        files.append(tmp_path / f"job-{job.status}.html")
        files[-1].write_bytes(response.content)
    files.append(tmp_path / "import-with-jobs.html")
    files[-1].write_bytes(staff_client.get(reverse("admin:blog_post_import")).content)

    assert html_errors(files) == []
