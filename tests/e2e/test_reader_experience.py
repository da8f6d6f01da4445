"""A reader following a heated discussion and joining it, in Chromium (issue 16).

Screenshots at 375 and 1280 px of the post, home, paper and tag pages are written to
artifacts/screenshots/ (not committed).
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG_URL = "https://doi.org/10.1212/NXI.0000000000000034?" + "x" * 160  # 200 characters


@pytest.fixture
def site(live_server, seed_post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 0
    settings.COMMENTS_RATE_LIMIT = 0
    cache.clear()
    return live_server.url


def post_url(site, post) -> str:
    return site + post.get_absolute_url()


def new_page(browser, width: int, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def in_viewport(page, selector: str) -> bool:
    """True if the element's box overlaps the visible part of the window."""
    box = page.locator(selector).bounding_box()  # relative to the viewport
    viewport = page.viewport_size
    return (
        box is not None
        and box["height"] > 0
        and box["y"] < viewport["height"]
        and box["y"] + box["height"] > 0
    )


# (1) A held comment is visible where the reader lands


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_held_comment_is_visible_where_the_reader_lands(
    browser, site, seed_post, settings, javascript
):
    from playwright.sync_api import expect

    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle"]
    context, page = new_page(browser, 375, javascript=javascript)
    page.goto(post_url(site, seed_post) + "#respond")
    page.get_by_label("Comment", exact=True).fill("A miracle cure, surely? Held, I expect.")
    page.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(re.compile("#held-comment$"))
    held = page.locator("#held-comment")
    expect(held).to_contain_text("Your comment is awaiting moderation")
    expect(held).to_contain_text("A miracle cure, surely? Held, I expect.")
    expect(held.locator("h2")).to_be_in_viewport()
    assert in_viewport(page, "#held-comment h2")  # by its bounding box, too
    assert page.evaluate("window.scrollY") > 1000  # far down a phone's page
    expect(page.locator("#comments")).not_to_contain_text("A miracle cure")
    context.close()


# (2) Long words and URLs wrap everywhere


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_page_scrolls_sideways_with_a_long_url(browser, site, seed_post, width, artifacts):
    CommentFactory(post=seed_post, author_name="Linker", body=f"See {LONG_URL} for the paper.")
    cache.clear()
    paper = seed_post.paper_list()[0]
    pages = {
        "post": seed_post.get_absolute_url(),
        "home": reverse("blog:post-list"),
        "paper": paper.get_absolute_url(),
        "tag": reverse("blog:hashtag-detail", kwargs={"slug": "msresearch"}),
    }
    context, page = new_page(browser, width)
    overflow = {}
    for name, url in pages.items():
        page.goto(site + url)
        assert LONG_URL[:40] in page.locator(".site-sidebar").inner_text()  # recent comments
        overflow[name] = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if width in (375, 1280):
            shot = artifacts / "screenshots" / f"reader-{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if name == "post":  # a closer look at the references and the discussion
                parts = {
                    "references": ".references",
                    "comments": "#comments",
                    "replies": ".replies",
                }
                for part, selector in parts.items():
                    box = page.locator(selector).first.bounding_box()
                    top = box["y"] + page.evaluate("window.scrollY")
                    clip = {"x": 0, "y": top - 20, "width": width, "height": 1400}
                    crop = shot.with_name(f"reader-post-{part}-{width}.png")
                    page.screenshot(path=str(crop), full_page=True, clip=clip)
    context.close()

    assert overflow == dict.fromkeys(pages, 0)


def test_the_header_and_footer_line_up_with_the_content(browser, site, seed_post):
    for width in (375, 1280):
        context, page = new_page(browser, width)
        page.goto(post_url(site, seed_post))

        def left(selector: str, page=page) -> float:
            return page.locator(selector).first.bounding_box()["x"]

        name, heading, footer = left(".site-name a"), left("main h1"), left(".site-footer h2")
        context.close()
        assert abs(name - heading) <= 1, (width, name, heading)
        assert abs(footer - heading) <= 1, (width, footer, heading)


def test_the_phone_header_leaves_room_for_the_post(browser, site, seed_post):
    context, page = new_page(browser, 375)
    page.goto(post_url(site, seed_post))

    header = page.locator(".site-header").bounding_box()
    context.close()
    assert header["height"] < 800 / 3


# (3) One press without script; errors in place


def test_one_press_posts_a_comment_without_javascript(browser, site, seed_post):
    from playwright.sync_api import expect

    context, page = new_page(browser, 1280, javascript=False)
    page.goto(post_url(site, seed_post))
    page.get_by_label("Name (optional)").fill("Emma")
    page.get_by_label("Comment", exact=True).fill("One press, no script.")
    page.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get(body="One press, no script.")
    expect(page).to_have_url(re.compile(f"#comment-{comment.pk}$"))
    expect(page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    context.close()


def test_errors_without_javascript_come_back_on_the_post_at_the_form(browser, site, seed_post):
    from playwright.sync_api import expect

    context, page = new_page(browser, 375, javascript=False)
    page.goto(post_url(site, seed_post))
    page.get_by_label("Name (optional)").fill("Emma")
    page.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(re.compile("#respond$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(seed_post.title)
    expect(page.locator("#respond .form-error-summary")).to_be_in_viewport()
    expect(page.locator("#respond .field-error")).to_contain_text("Please write a comment")
    expect(page.get_by_label("Name (optional)")).to_have_value("Emma")
    context.close()


def test_errors_with_javascript_appear_in_the_inline_reply_form(page, site, seed_post):
    from playwright.sync_api import expect

    parent = Comment.objects.get(source_ref="2")
    page.goto(post_url(site, seed_post))
    url = page.url
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    form = page.locator(f"#comment-{parent.pk} form.comment-form")
    form.get_by_label("Name (optional)").fill("Emma")
    form.get_by_role("button", name="Post reply").click()

    expect(form.locator(".field-error")).to_contain_text("Please write a comment")
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(form.get_by_label("Name (optional)")).to_have_value("Emma")
    assert page.url == url  # never left the post
    form.get_by_label("Comment", exact=True).fill("Now with words.")
    form.get_by_role("button", name="Post reply").click()

    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    reply = Comment.objects.get(body="Now with words.")
    assert reply.parent_id == parent.pk
    expect(page.locator(f"#comment-{reply.pk}")).to_be_in_viewport()


# (4) Who said what to whom


def test_in_reply_to_quotes_the_parent_and_highlights_it(page, site, seed_post):
    from playwright.sync_api import expect

    voltaire = Comment.objects.get(source_ref="3")
    reply = Comment.objects.get(source_ref="3.1")
    page.goto(post_url(site, seed_post))
    link = page.locator(f"#comment-{reply.pk} > header .comment-in-reply-to")
    parent = page.locator(f"#comment-{voltaire.pk}")

    expect(link).to_contain_text("in reply to Anonymous: “")
    before = parent.evaluate("el => getComputedStyle(el).outlineStyle")
    link.hover()
    assert before == "none"
    expect(parent).to_have_css("outline-style", "solid")
    page.mouse.move(0, 0)
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    expect(parent).to_have_css("outline-style", "solid")


# (5) Keyboard: skip to comments, Escape closes the inline reply form


def test_skip_to_comments_is_the_second_tab_stop(page, site, seed_post):
    from playwright.sync_api import expect

    page.goto(post_url(site, seed_post))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to comments")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile("#comments$"))
    expect(page.locator("#comments-heading")).to_be_in_viewport()


def test_escape_closes_the_inline_reply_form(page, site, seed_post):
    from playwright.sync_api import expect

    parent = Comment.objects.get(source_ref="1")
    page.goto(post_url(site, seed_post))
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    expect(page.locator(f"#comment-{parent.pk} form.comment-form")).to_be_visible()

    page.keyboard.press("Escape")

    expect(page.locator("#respond form.comment-form")).to_be_visible()
    expect(page.locator("input[name=parent]")).to_have_value("")
    expect(page.locator("#respond textarea")).to_be_focused()


def test_the_comment_count_at_the_top_leads_to_the_discussion(page, site, seed_post):
    from playwright.sync_api import expect

    page.goto(post_url(site, seed_post))
    page.locator(".post-header a.comment-count-link").click()

    expect(page.locator("#comments-heading")).to_be_in_viewport()
    expect(page.locator("#comments-heading")).to_have_text("13 comments")


def test_the_citation_reads_as_text_not_all_bold(page, site, seed_post):
    page.goto(post_url(site, seed_post))

    weight = page.locator(".references .citation").evaluate("el => getComputedStyle(el).fontWeight")

    assert weight == "400"
