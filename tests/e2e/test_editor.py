"""The post editor in a real browser (Chromium): write Markdown with a figure and two
#tags, watch the live preview, save a draft, schedule, publish, restore an older version.

Screenshots go to artifacts/screenshots/ (editor-form.png, editor-preview.png,
post-with-figure.png).
"""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from images.models import Image
from tests.e2e.conftest import axe_problems, require_axe
from tests.e2e.test_staff_flows import log_in, staff_user  # noqa: F401
from tests.factories import AuthorFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(staff_user):  # noqa: F811
    """An editor, with the images permissions the images migration gives Editors."""
    staff_user("edith", "Editors")
    return "edith"


@pytest.fixture
def site(live_server):
    from django.core.cache import cache

    cache.clear()
    return live_server.url


def _mri_png() -> bytes:
    from PIL import Image as Picture
    from PIL import ImageDraw

    picture = Picture.new("RGB", (1200, 800), (20, 20, 24))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((250, 120, 950, 700), fill=(150, 150, 155))
    draw.ellipse((560, 330, 680, 430), fill=(240, 240, 240))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _upload_image(page, site) -> int:
    from playwright.sync_api import expect

    page.goto(site + reverse("admin:images_image_add"))
    page.get_by_label("Image file").set_input_files(
        [{"name": "mri.png", "mimeType": "image/png", "buffer": _mri_png()}]
    )
    page.get_by_label("Alt text").fill("Axial MRI: a bright lesion in the left hemisphere")
    page.get_by_label("Credit").fill("Barts Health")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    return Image.objects.get().pk


def _choose_author(page, author) -> None:
    # The author field is an autocomplete (select2); choose as it would, on its <select>.
    page.evaluate(
        "([pk, name]) => { const s = document.getElementById('id_author');"
        " s.add(new Option(name, pk, true, true)); s.dispatchEvent(new Event('change')); }",
        [str(author.pk), author.name],
    )


def _row_status(page, title: str) -> str:
    row = page.locator("#result_list tr", has=page.get_by_role("link", name=title))
    return row.locator("td.field-publication").inner_text()


def test_editor_writes_previews_schedules_publishes_and_restores(page, site, editor, artifacts):
    from playwright.sync_api import expect

    author = AuthorFactory(name="Prof G", slug="prof-g")
    log_in(page, site, editor)
    image_pk = _upload_image(page, site)

    page.goto(site + reverse("admin:blog_post_add"))
    page.get_by_label("Title").fill("Macrophages after alemtuzumab")
    page.get_by_label("Teaser").fill("What an autopsy shows #NMO")
    body = (
        "## What we saw\n\nMacrophages filled the lesions, as in **#MSResearch** reports.\n\n"
        f'![](image:{image_pk} "Axial MRI at onset")\n\nMore to follow.'
    )
    page.locator("#id_body").fill(body)
    _choose_author(page, author)

    preview = page.locator(".post-preview")
    expect(preview.locator("figure img")).to_be_visible()
    expect(preview.locator("figcaption")).to_contain_text("Axial MRI at onset")
    expect(preview.locator("h2", has_text="What we saw")).to_be_visible()
    expect(preview.locator(".post-editor-stats")).to_contain_text(
        re.compile(r"\d+ words · 1 minute")
    )
    page.locator(".post-editor").screenshot(
        path=str(artifacts / "screenshots" / "editor-preview.png")
    )
    page.screenshot(path=str(artifacts / "screenshots" / "editor-form.png"), full_page=True)

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert [tag.name for tag in post.hashtag_list()] == ["NMO", "MSResearch"]
    assert _row_status(page, post.title) == "Draft"

    # Schedule for tomorrow at 08:00, London time.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#result_list").get_by_role("link", name=post.title).click()
    page.locator("#id_published_at_0").fill(tomorrow.isoformat())
    page.locator("#id_published_at_1").fill("08:00:00")
    page.get_by_role("button", name="Schedule for the publication time").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert _row_status(page, post.title) == f"Scheduled for {tomorrow.day} {tomorrow:%b %Y}, 08:00"

    # Publish now, and read it as readers will.
    page.locator("#result_list").get_by_role("link", name=post.title).click()
    page.locator("#id_body").fill(body.replace("More to follow.", "Updated."))
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert _row_status(page, post.title) == "Published"
    post.refresh_from_db()
    page.goto(site + post.get_absolute_url())
    figure = page.locator("article.post figure")
    expect(figure.locator("img")).to_be_visible()
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth") > 0
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "screenshots" / "post-with-figure.png"), full_page=True)

    # Restore the first version (the draft's text) from the history.
    page.goto(site + reverse("admin:blog_post_history", args=[post.pk]))
    page.get_by_role("link", name=re.compile(r"^Version 1\b|^1$")).first.click()
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".messagelist")).to_contain_text("Version 1 restored as version")
    post.refresh_from_db()
    assert post.body.endswith("More to follow.")
    assert post.status == Post.Status.PUBLISHED
    # Draft, scheduled, published, restored: nothing lost.
    assert list(post.revisions.values_list("number", "origin")) == [
        (4, "restore of version 1"),
        (3, "admin"),
        (2, "admin"),
        (1, "admin"),
    ]


def test_autosave_restores_a_crashed_draft_and_warns_about_a_newer_server_version(
    browser, site, editor
):
    from playwright.sync_api import expect

    author = AuthorFactory(name="Prof G", slug="prof-g")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site, editor)
    page.goto(site + reverse("admin:blog_post_add"))
    page.locator("#id_body").fill("Typed before the crash")
    page.wait_for_timeout(800)  # autosave runs half a second after typing stops
    page.close()  # the crash: nothing was submitted

    page = context.new_page()
    page.goto(site + reverse("admin:blog_post_add"))
    expect(page.get_by_role("alert")).to_contain_text("You have unsaved changes")
    page.get_by_role("button", name="Restore them").click()
    expect(page.locator("#id_body")).to_have_value("Typed before the crash")

    # A draft begun on an older server version: the editor is told and chooses.
    post = Post.objects.create(title="Shared", slug="shared", body="v1", author=author)
    url = site + reverse("admin:blog_post_change", args=[post.pk])
    page.goto(url)
    page.locator("#id_body").fill("My local edit")
    page.wait_for_timeout(800)
    post.body = "A colleague's newer text"
    post.save()  # the server version moves on
    page.goto(url)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("saved on the server after your unsaved changes")
    expect(page.locator("#id_body")).to_have_value("A colleague's newer text")
    page.get_by_role("button", name="Keep the server's version").click()
    expect(alert).to_have_count(0)
    page.reload()
    expect(page.get_by_role("alert")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("which", ["add", "change"])
def test_post_form_has_no_serious_accessibility_problems(browser, site, editor, which):
    require_axe()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site, editor)
    if which == "add":
        page.goto(site + reverse("admin:blog_post_add"))
    else:
        post = Post.objects.create(
            title="Figures", slug="figures", body="Text #MSResearch", author=AuthorFactory()
        )
        page.goto(site + reverse("admin:blog_post_change", args=[post.pk]))
    page.locator("#id_body").fill("## Heading\n\nSome *text* #Tag")
    page.locator(".post-preview h2").wait_for()
    page.wait_for_load_state("load")
    problems = axe_problems(page, rules=("wcag2a", "wcag2aa"))
    context.close()
    assert problems == []
