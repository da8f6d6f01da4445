"""Each moderation and abuse rule, configured in settings, on its own."""

import datetime
import os
import uuid

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.moderation import client_ip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits")]


def submit(client, post, ip="203.0.113.5", follow=False, **fields):
    data = {"name": "", "email": "", "body": "A comment.", "website": "", **fields}
    url = reverse("comments:post", kwargs={"post_pk": post.pk})
    return client.post(url, data, REMOTE_ADDR=ip, follow=follow)


def status_of(body: str) -> str:
    return Comment.objects.get(body=body).status


def test_more_links_than_allowed_is_held(client, seed_post, settings):
    settings.COMMENTS_MAX_LINKS = 2
    two = "See https://a.example and https://b.example"
    three = two + " and https://c.example"

    submit(client, seed_post, body=two)
    submit(client, seed_post, body=three)

    assert status_of(two) == "published"
    assert status_of(three) == "pending"


def test_moderation_keyword_holds_the_comment(client, seed_post, settings):
    settings.COMMENTS_MODERATION_KEYWORDS = ["miracle cure"]

    submit(client, seed_post, body="Try this MIRACLE CURE today")

    assert status_of("Try this MIRACLE CURE today") == "pending"


def test_first_time_commenters_are_held_when_configured(client, seed_post, settings):
    settings.COMMENTS_HOLD_FIRST_TIME = True
    submit(client, seed_post, email="new@example.org", body="My first comment.")
    Comment.objects.filter(body="My first comment.").update(status="published")

    submit(client, seed_post, email="new@example.org", body="My second comment.")
    submit(client, seed_post, email="other@example.org", body="Someone new.")

    assert status_of("My second comment.") == "published"
    assert status_of("Someone new.") == "pending"


def test_disallowed_keyword_marks_spam(client, seed_post, settings):
    settings.COMMENTS_DISALLOWED_KEYWORDS = ["casino"]

    response = submit(client, seed_post, name="Casino Bonus", body="Hello there.")

    assert status_of("Hello there.") == "spam"
    assert response["Location"].endswith("#held-comment")  # treated like a held comment


def test_filled_honeypot_marks_spam(client, seed_post):
    submit(client, seed_post, body="Bot text.", website="http://spam.example")

    assert status_of("Bot text.") == "spam"


def test_pending_comment_is_invisible_but_its_author_sees_it_awaiting_moderation(
    client, seed_post, settings
):
    settings.COMMENTS_MODERATION_KEYWORDS = ["hold me"]

    response = submit(client, seed_post, body="Please hold me for review.", follow=True)
    page = response.content.decode()

    assert "Your comment is awaiting moderation" in page
    assert "Please hold me for review." in page  # to its writer, marked as held
    assert (
        "Please hold me for review."
        not in Client().get(seed_post.get_absolute_url()).content.decode()
    )


def test_flood_control_by_client_address(client, seed_post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 30
    start = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert submit(client, seed_post, body="First.").status_code == 302
        refused = submit(client, seed_post, body="Second, too soon.")
        other_client = submit(client, seed_post, ip="198.51.100.9", body="Someone else.")
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        later = submit(client, seed_post, body="Second, later.")

    assert refused.status_code == 429
    assert "posting comments too quickly" in refused.content.decode()
    assert "Second, too soon." in refused.content.decode()  # what was typed is kept
    assert not Comment.objects.filter(body="Second, too soon.").exists()
    assert other_client.status_code == 302
    assert later.status_code == 302


def test_flood_control_by_email(client, seed_post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 30

    submit(client, seed_post, email="Same@Example.org", body="One.")
    refused = submit(client, seed_post, ip="198.51.100.20", email="same@example.org", body="Two.")

    assert refused.status_code == 429


def test_duplicate_comment_is_refused(client, seed_post):
    submit(client, seed_post, name="Dre", body="Get smart, bredrins.")

    again = submit(client, seed_post, ip="198.51.100.7", name="Dre", body="Get smart, bredrins.")

    assert again.status_code == 400
    assert "already posted this comment" in again.content.decode()
    assert Comment.objects.filter(body="Get smart, bredrins.").count() == 1


@pytest.mark.usefixtures("frozen_clock")
def test_rate_limit_per_client(client, seed_post, settings):
    settings.COMMENTS_RATE_LIMIT = 3

    codes = [submit(client, seed_post, body=f"Comment {n}.").status_code for n in range(5)]
    elsewhere = submit(client, seed_post, ip="198.51.100.77", body="From elsewhere.")

    assert codes == [302, 302, 302, 429, 429]
    assert elsewhere.status_code == 302
    assert Comment.objects.filter(body__startswith="Comment ").count() == 3


@pytest.mark.usefixtures("frozen_clock")
def test_spoofed_forwarded_for_does_not_bypass_the_rate_limit(client, seed_post, settings):
    settings.COMMENTS_RATE_LIMIT = 2
    settings.COMMENTS_TRUSTED_PROXY_COUNT = 1
    url = reverse("comments:post", kwargs={"post_pk": seed_post.pk})

    codes = []
    for n in range(4):
        # The client invents a new address each time; our one proxy appends the real one.
        header = f"10.0.0.{n}, 203.0.113.50"
        response = client.post(
            url,
            {"body": f"Spoof {n}.", "website": ""},
            HTTP_X_FORWARDED_FOR=header,
            REMOTE_ADDR="10.1.1.1",
        )
        codes.append(response.status_code)

    assert codes == [302, 302, 429, 429]
    assert set(
        Comment.objects.filter(body__startswith="Spoof").values_list("ip_address", flat=True)
    ) == {"203.0.113.50"}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "1.2.3.4", "203.0.113.1", "203.0.113.1"),
        (1, "1.2.3.4, 198.51.100.2", "10.0.0.1", "198.51.100.2"),
        (2, "1.2.3.4, 198.51.100.2, 10.0.0.9", "10.0.0.1", "198.51.100.2"),
        (2, "198.51.100.2", "10.0.0.1", "10.0.0.1"),
        # A garbage entry where the client should be: the proxy's own address (fail closed).
        (1, "not-an-ip", "10.0.0.1", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_only_configured_proxies(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.COMMENTS_TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)

    assert client_ip(request) == expected


@pytest.mark.usefixtures("frozen_clock")
def test_rate_limit_is_shared_across_processes_through_redis(client, seed_post, settings):
    """Two cache clients (as two worker processes would have) count against one Redis key."""
    redis = pytest.importorskip("redis")
    # TEST_REDIS_URL when set (a database of its own); never cleared, as others may share it.
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running at {url}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"msblog-test-{uuid.uuid4().hex}",  # concurrent runs never share keys
        }
    }
    settings.COMMENTS_RATE_LIMIT = 2
    from django.core.cache import caches

    codes = [submit(client, seed_post, body=f"Redis {n}.").status_code for n in range(2)]
    # A fresh connection: what another process would see.
    del caches["default"]
    codes.append(submit(client, seed_post, body="Redis 2.").status_code)

    assert codes == [302, 302, 429]
