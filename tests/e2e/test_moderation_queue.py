"""The moderation queue fits a 1280-pixel screen: status, date and "on the site" are
visible without scrolling sideways, even for the seed post's long title and comments."""

import pytest
from django.urls import reverse

from tests.e2e.test_staff_flows import PASSWORD, log_in, staff_user  # noqa: F401
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_queue_fits_1280_pixels(page, live_server, seed_post, staff_user):  # noqa: F811
    from django.core.cache import cache

    cache.clear()
    CommentFactory(
        post=seed_post,
        status="pending",
        author_name="A reader with a rather long name indeed, as some have",
        body="https://example.org/" + "a-very-long-address-without-spaces-" * 6,
    )
    staff_user("mo", "Moderators")
    log_in(page, live_server.url, "mo")
    page.goto(live_server.url + reverse("admin:comments_comment_changelist"))
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for column in ["status", "created_at", "on_site"]:
        cell = page.locator(f"#result_list td.field-{column}").first
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= width, column
