"""axe-core, injected into Chromium, finds no serious or critical accessibility problems."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.e2e.conftest import axe_problems

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def axe(axe_page):
    def check(url: str) -> list[str]:
        axe_page.goto(url)
        return axe_problems(axe_page)

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
        "about": site + reverse("blog:about"),
        "hashtags": site + reverse("blog:hashtag-list"),
        "series": site + reverse("blog:series-list"),
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

    problems = axe_problems(page, rules=("wcag2a", "wcag2aa"))

    assert page.locator(".field-error").count() >= 1
    assert problems == []
