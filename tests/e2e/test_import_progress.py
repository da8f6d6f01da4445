"""A large upload in Chromium: the editor lands on the import's progress page, which
updates itself (static/js/import-job.js, under the admin's real CSP) when the worker has
run; axe-core finds no serious or critical problem on it, waiting or finished."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from blog.models import Post
from outbox.models import Job
from tests.conftest import SEED_PATH
from tests.e2e.conftest import axe_problems, require_axe

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "watch-the-import-2014"


def log_in(page, site: str) -> None:
    page.goto(site + reverse("admin:login"))
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site + reverse("admin:index"))


@pytest.fixture
def site(live_server, django_user_model, settings):
    cache.clear()  # no login throttling left over from other tests
    settings.IMPORT_INLINE_MAX_BYTES = 1000  # the seed document goes to the worker
    django_user_model.objects.create_superuser("edith", "edith@example.org", PASSWORD)
    return live_server.url


def test_the_progress_page_follows_the_import_without_a_reload(page, site, artifacts):
    from playwright.sync_api import expect

    log_in(page, site)
    page.goto(site + reverse("admin:blog_post_import"))
    page.get_by_label("Documents").set_input_files(
        [{"name": SEED_PATH.name, "mimeType": "text/plain", "buffer": SEED_PATH.read_bytes()}]
    )
    page.get_by_role("button", name="Import").click()

    job = Job.objects.get()
    page.wait_for_url(site + reverse("admin:blog_post_import_job", args=[job.pk]))
    status = page.get_by_role("status")
    expect(status).to_have_text("Waiting for the worker.")
    assert not Post.objects.exists()
    page.evaluate("window.loadedOnce = true")  # gone if the page were reloaded

    call_command("run_worker", "--once", "--only", "jobs", verbosity=0)

    expect(status).to_have_text("Finished.", timeout=15_000)
    expect(page.get_by_role("heading", name="Import done")).to_be_visible()
    row = page.locator("#import-results tbody tr")
    expect(row).to_contain_text("Created")
    assert page.evaluate("window.loadedOnce") is True
    page.screenshot(path=str(artifacts / "screenshots" / "admin-import-job.png"), full_page=True)
    assert Post.objects.count() == 1


def test_the_progress_page_has_no_serious_accessibility_problems(browser, site):
    require_axe()
    from blog.import_jobs import documents_import_enqueue
    from blog.importers.batch import SourceDocument

    options = {"published_at": None, "author_name": "", "dry_run": False, "draft": False}
    document = SourceDocument(name=SEED_PATH.name, data=SEED_PATH.read_bytes())
    job = documents_import_enqueue(
        documents=[document], options={**options, "allow_unterminated": False}, user=None
    )
    # axe is injected as an inline script, which the admin's CSP rightly blocks.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    log_in(page, site)
    url = site + reverse("admin:blog_post_import_job", args=[job.pk])

    page.goto(url)
    waiting = axe_problems(page)
    call_command("run_worker", "--once", "--only", "jobs", verbosity=0)
    page.goto(url)
    page.wait_for_selector("#import-results")
    finished = axe_problems(page)
    context.close()

    assert waiting == []
    assert finished == []
