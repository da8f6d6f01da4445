"""axe-core, injected into Chromium, finds no serious or critical accessibility problems."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser):
    # axe is injected as an inline script, which the site's CSP rightly blocks.
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe(axe_page):
    page = axe_page
    if not AXE.exists():
        message = f"axe-core is missing at {AXE} (run `npm ci`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    def check(url: str) -> list[str]:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})"
        )
        return [
            f"{v['impact']}: {v['id']} ({len(v['nodes'])}x) {v['help']}"
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]

    return check


def reader_urls(site: str, post) -> dict[str, str]:
    paper = post.paper_list()[0]
    return {
        "home": site + reverse("blog:post-list"),
        "post": site + post.get_absolute_url(),
        "tag": site + reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}),
        "paper": site + paper.get_absolute_url(),
        "search": site + reverse("blog:search") + "?q=alemtuzumab",
        "author": site + post.author.get_absolute_url(),
        "archive": site + reverse("blog:archive-year", kwargs={"year": 2014}),
    }


def test_reader_pages_have_no_serious_accessibility_problems(axe, live_server, seed_post, settings):
    settings.COMMENTS_PER_PAGE = 5  # the seed's 13 comments on pages, with their links
    urls = {
        **reader_urls(live_server.url, seed_post),
        "comment-page": live_server.url + seed_post.comments_page_url(2),
    }
    problems = {name: found for name, url in urls.items() if (found := axe(url))}

    assert problems == {}


def test_comment_form_with_errors_has_no_serious_accessibility_problems(
    axe, axe_page, live_server, seed_post, settings
):
    page = axe_page
    settings.COMMENTS_FLOOD_SECONDS = 0
    cache.clear()
    page.goto(live_server.url + seed_post.get_absolute_url() + "#respond")
    page.get_by_label("Email (optional, never shown)").fill("not-an-email")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector(".form-error-summary")

    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")
    serious = [v["id"] for v in result["violations"] if v["impact"] in {"serious", "critical"}]

    assert page.locator(".field-error").count() >= 1
    assert serious == []
