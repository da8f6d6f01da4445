"""Staff at work in a real browser (Chromium): edit a post, moderate, import documents.

Controls are found by their role and accessible name or by their label, so these tests
also prove the admin pages' controls are labelled.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from blog.models import Post
from comments.models import Comment
from tests.conftest import SAMPLES_DIR
from tests.e2e.conftest import axe_problems, require_axe
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def site(live_server, seed_post):
    cache.clear()  # no login throttling left over from other tests
    return live_server.url


@pytest.fixture
def staff_user(django_user_model):
    """Make a staff member of a group the data migration made (tests/conftest.py keeps
    those groups through every transactional test)."""

    def make(username: str, group: str):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def log_in(page, site: str, username: str) -> None:
    """Log in through the admin's login form."""
    from playwright.sync_api import expect

    page.goto(site + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def open_post_list(page) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Posts", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Select post to change")


def test_editor_changes_a_title_and_readers_see_it(page, site, seed_post, staff_user):
    from playwright.sync_api import expect

    staff_user("edith", "Editors")
    new_title = "ClinicSpeak: what an autopsy tells us about alemtuzumab in NMO"
    log_in(page, site, "edith")
    open_post_list(page)

    page.get_by_role("link", name=seed_post.title).click()
    page.get_by_label("Title").fill(new_title)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.locator(".messagelist").get_by_role("link", name=new_title).click()
    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(new_title)
    assert page.url == site + seed_post.get_absolute_url()  # the slug, and so the URL, stay


def test_moderator_approves_a_held_comment_and_readers_see_it(page, site, seed_post, staff_user):
    from playwright.sync_api import expect

    held = CommentFactory(
        post=seed_post,
        author_name="Emma",
        body="Has anyone had alemtuzumab after NMO was diagnosed?",
        status=Comment.Status.PENDING,
    )
    page.goto(site + seed_post.get_absolute_url())
    expect(page.locator("#comments")).not_to_contain_text(held.body)
    staff_user("molly", "Moderators")
    log_in(page, site, "molly")

    # The model's row in the application's table (the caption is a link named Comments too).
    comments_row = page.get_by_role("row", name=re.compile(r"^Comments\b"))
    comments_row.get_by_role("link", name="Comments", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Select comment to change")
    page.get_by_role("checkbox", name=f"Select this object for an action - {held}").check()
    action = page.get_by_role("combobox", name=re.compile(r"^Action"))
    action.select_option(label="Approve selected comments")
    page.get_by_role("button", name="Run", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("1 comment approved.")
    page.goto(site + seed_post.get_absolute_url())
    expect(page.locator(f"#comment-{held.pk}")).to_contain_text(held.body)
    expect(page.locator(f"#comment-{held.pk}")).to_contain_text("Emma")


def test_editor_imports_a_broken_then_a_good_document(
    page, site, seed_post, seed_text, staff_user, artifacts
):
    from playwright.sync_api import expect

    minimal = (SAMPLES_DIR / "minimal.txt").read_bytes()
    title = minimal.decode().splitlines()[0]
    lines = seed_text.split("\n")
    lines[1:2] = []  # the title runs into the teaser: an error at line 2
    broken = "\n".join(lines).encode()
    staff_user("edith", "Editors")
    log_in(page, site, "edith")
    open_post_list(page)

    page.get_by_role("link", name="Import documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import post documents")
    documents = page.get_by_label("Documents")
    documents.set_input_files(
        [
            {"name": "minimal.txt", "mimeType": "text/plain", "buffer": minimal},
            {"name": "clinicspeak-draft.txt", "mimeType": "text/plain", "buffer": broken},
        ]
    )
    page.get_by_label("Author").fill("Prof G")
    page.get_by_role("button", name="Import").click()

    results = page.get_by_role("table")
    expect(page.get_by_role("heading", name="Errors: nothing was imported")).to_be_visible()
    expect(results.get_by_role("row", name=re.compile("^clinicspeak-draft.txt"))).to_contain_text(
        "clinicspeak-draft.txt:2: the title must be a line of its own, followed by a blank line"
    )
    expect(results.get_by_role("row", name=re.compile("^minimal.txt"))).to_contain_text(
        "No errors; not imported"
    )
    page.screenshot(path=str(artifacts / "screenshots" / "admin-import-errors.png"), full_page=True)
    assert Post.objects.count() == 1  # only the seed

    page.get_by_label("Documents").set_input_files(
        [{"name": "minimal.txt", "mimeType": "text/plain", "buffer": minimal}]
    )
    expect(page.get_by_label("Author")).to_have_value("Prof G")  # the form kept its options
    page.get_by_role("button", name="Import").click()

    expect(page.locator(".messagelist")).to_contain_text("Imported 1 document.")
    row = page.get_by_role("table").get_by_role("row", name=re.compile("^minimal.txt"))
    expect(row).to_contain_text("Created")
    page.screenshot(path=str(artifacts / "screenshots" / "admin-import-done.png"), full_page=True)
    row.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.goto(site + reverse("admin:blog_post_changelist"))
    expect(page.locator("#result_list").get_by_role("link", name=title)).to_be_visible()


def test_import_page_with_errors_has_no_serious_accessibility_problems(
    browser, site, seed_text, staff_user
):
    require_axe()
    # axe is injected as an inline script, which the site's CSP rightly blocks.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    broken = seed_text.replace("\n\n", "\n", 1).encode()  # the title runs into the teaser

    def upload_broken(published: str) -> list[str]:
        page.get_by_label("Documents").set_input_files(
            [{"name": "broken.txt", "mimeType": "text/plain", "buffer": broken}]
        )
        page.get_by_label("Publication date").fill(published)
        page.get_by_role("button", name="Import").click()
        page.wait_for_selector(".errornote")
        return axe_problems(page, rules=("wcag2a", "wcag2aa"))

    staff_user("edith", "Editors")
    log_in(page, site, "edith")
    page.goto(site + reverse("admin:blog_post_import"))
    in_document = upload_broken("")  # the results table with the document's error
    results_shown = page.locator("#import-results").count()
    on_field = upload_broken("next Tuesday")  # a form error on the date field
    field_error = page.locator("#id_published_error").count()
    context.close()

    assert (results_shown, field_error) == (1, 1)
    assert in_document == []
    assert on_field == []
