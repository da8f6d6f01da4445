"""A moderator approves a held comment from the post's change page, in Chromium; axe-core
finds no serious or critical problem in the Discussion section."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.models import Comment
from tests.e2e.conftest import axe_problems, require_axe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moderator_page(browser, live_server, django_user_model):
    user = django_user_model.objects.create_user(
        "mod", password="held-for-review-2014", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    # axe is injected as an inline script, which the admin's CSP rightly blocks.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill("held-for-review-2014")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
    yield page
    context.close()


def test_moderator_approves_a_held_comment_from_the_post_page(
    moderator_page, live_server, seed_post, artifacts
):
    from playwright.sync_api import expect

    page = moderator_page
    held = seed_post.comments.order_by("tree_id", "lft")[1]
    Comment.objects.filter(pk=held.pk).update(status=Comment.Status.PENDING)
    page.goto(live_server.url + reverse("admin:blog_post_change", args=[seed_post.pk]))
    discussion = page.get_by_role("region", name="Discussion")
    expect(discussion).to_contain_text("Pending moderation: 1")
    page.locator("#discussion").screenshot(
        path=str(artifacts / "screenshots" / "admin-discussion.png")
    )

    discussion.get_by_role("button", name=f"Approve comment #{held.pk} by").click()

    expect(page.locator(".messagelist")).to_contain_text(f"Comment #{held.pk} by")
    expect(page.locator(f"#discussion-comment-{held.pk}")).to_contain_text("Published")
    expect(discussion).to_contain_text("Pending moderation: 0")
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED


def test_discussion_has_no_serious_accessibility_problems(moderator_page, live_server, seed_post):
    require_axe()
    page = moderator_page
    page.goto(live_server.url + reverse("admin:blog_post_change", args=[seed_post.pk]))

    assert axe_problems(page, "#discussion") == []
