"""A reader's path through the ClinicSpeak post in a real browser (Chromium)."""

import re

import pytest
from django.core.cache import cache

from comments.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, seed_post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    cache.clear()
    return live_server.url


def post_url(site, post) -> str:
    return site + post.get_absolute_url()


def test_home_to_post_to_paper(page, site, seed_post):
    from playwright.sync_api import expect

    page.goto(site + "/")
    page.get_by_role("link", name=seed_post.title).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(seed_post.title)
    references = page.locator("section.references")
    expect(references).to_contain_text("Gelfand et al. Massive CNS monocytic infiltration")
    expect(references).to_contain_text("OBJECTIVES")
    references.get_by_role("link", name=re.compile("paper", re.I)).first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Massive CNS monocytic infiltration")
    expect(page.locator("body")).to_contain_text(seed_post.title)


def test_sub_thread_collapses_and_expands_without_script(browser, site, seed_post):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    voltaire = Comment.objects.get(source_ref="3")
    reply = Comment.objects.get(source_ref="3.1")
    page.goto(post_url(site, seed_post))

    summary = page.locator(f"#comment-{voltaire.pk} > details > summary")
    expect(summary).to_have_text("9 replies")
    expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()
    summary.click()
    expect(page.locator(f"#comment-{reply.pk}")).to_be_hidden()
    summary.click()
    expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()
    context.close()


def test_comment_permalink_lands_on_the_comment(page, site, seed_post):
    from playwright.sync_api import expect

    target = Comment.objects.get(source_ref="3.7")
    page.goto(post_url(site, seed_post) + f"#comment-{target.pk}")

    expect(page.locator(f"#comment-{target.pk}")).to_be_in_viewport()
    body = page.locator(f"#comment-{target.pk} .comment-body")
    expect(body).to_contain_text("Dre is like a bear")


def test_reply_inline_and_see_it(page, site, seed_post):
    from playwright.sync_api import expect

    parent = Comment.objects.get(source_ref="2")
    page.goto(post_url(site, seed_post))

    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    form = page.locator(f"#comment-{parent.pk} form.comment-form")
    expect(form).to_be_visible()  # the form opened inline, under the comment
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    form.get_by_label("Name (optional)").fill("Emma")
    form.get_by_label("Comment", exact=True).fill("Agreed: the case scares more than it informs.")
    form.get_by_role("button", name="Post reply").click()

    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(body="Agreed: the case scares more than it informs.")
    assert reply.parent_id == parent.pk
    expect(page).to_have_url(re.compile(f"#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{parent.pk} #comment-{reply.pk}")).to_contain_text("Emma")


def test_cancel_reply_puts_the_form_back(page, site, seed_post):
    from playwright.sync_api import expect

    parent = Comment.objects.get(source_ref="1")
    page.goto(post_url(site, seed_post))
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    page.get_by_role("button", name="Cancel reply").click()

    expect(page.locator("#respond form.comment-form")).to_be_visible()
    expect(page.locator("input[name=parent]")).to_have_value("")


def test_held_comment_says_awaiting_moderation(page, site, seed_post, settings):
    from playwright.sync_api import expect

    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle"]
    page.goto(post_url(site, seed_post) + "#respond")
    page.get_by_label("Comment", exact=True).fill("A miracle cure, surely?")
    page.get_by_role("button", name="Post comment").click()

    expect(page.locator("#held-comment")).to_contain_text("awaiting moderation")
    expect(page.locator("#comments")).not_to_contain_text("A miracle cure, surely?")


def test_keyboard_only_reaches_and_submits_the_reply_form(page, site, seed_post):
    from playwright.sync_api import expect

    parent = Comment.objects.get(source_ref="4")
    page.goto(post_url(site, seed_post))

    def tab_until(predicate: str, limit: int = 400) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"Tab never reached: {predicate}")

    tab_until(f"document.activeElement.matches('#comment-{parent.pk} .comment-reply-link')")
    page.keyboard.press("Enter")
    expect(page.locator(f"#comment-{parent.pk} textarea")).to_be_focused()
    page.keyboard.type("Typed with the keyboard alone.")
    tab_until("document.activeElement.matches('button[type=submit]')")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(body="Typed with the keyboard alone.")
    assert reply.parent_id == parent.pk
    expect(page).to_have_url(re.compile(f"#comment-{reply.pk}$"))


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_screenshots_of_the_post_page(browser, site, seed_post, artifacts, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(post_url(site, seed_post))

    path = artifacts / "screenshots" / f"post-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()

    assert path.stat().st_size > 10_000
    assert overflow <= 0  # no sideways scrolling at this width


def test_content_security_policy_blocks_injected_inline_script(page, site, seed_post):
    """An inline script that slipped into the page would not run: the browser refuses it."""
    from playwright.sync_api import Error

    page.goto(post_url(site, seed_post))

    with pytest.raises(Error, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("window.injected === undefined")
    # comments.js, served from this site, did run: the form has its Cancel button.
    assert page.locator("button.comment-cancel-reply").count() == 1
