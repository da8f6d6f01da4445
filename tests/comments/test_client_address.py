"""Abuse limits count clients in a way a client cannot vary: a garbage X-Forwarded-For
shares the proxy's count (fails closed), and IPv6 clients are counted per /64."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.moderation import UNKNOWN_CLIENT, client_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits", "frozen_clock")]


def post_from(client, post, body, *, remote="10.1.1.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    url = reverse("comments:post", kwargs={"post_pk": post.pk})
    return client.post(url, {"body": body, "website": ""}, **extra).status_code


@pytest.mark.parametrize("garbage", ["garbage", "1.2.3.4, not-an-ip", "", ", ,", "999.1.1.1"])
def test_garbage_forwarded_for_cannot_escape_the_rate_limit(client, seed_post, settings, garbage):
    settings.COMMENTS_RATE_LIMIT = 10
    settings.COMMENTS_TRUSTED_PROXY_COUNT = 1

    codes = [post_from(client, seed_post, f"Attempt {n}.", forwarded=garbage) for n in range(14)]

    assert codes.count(302) == 10  # was 14 of 14
    assert codes[10:] == [429] * 4


def test_garbage_forwarded_for_cannot_escape_the_flood_check(client, seed_post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    settings.COMMENTS_TRUSTED_PROXY_COUNT = 1

    first = post_from(client, seed_post, "One.", forwarded="garbage")
    second = post_from(client, seed_post, "Two.", forwarded="1.2.3.4, not-an-ip")

    assert (first, second) == (302, 429)


def test_ipv6_clients_are_rate_limited_per_64(client, seed_post, settings):
    settings.COMMENTS_RATE_LIMIT = 3

    codes = [
        post_from(client, seed_post, f"Hop {n}.", remote=f"2001:db8:1:2::{n + 1:x}")
        for n in range(5)
    ]
    neighbour = post_from(client, seed_post, "Another /64.", remote="2001:db8:1:3::1")

    assert codes == [302, 302, 302, 429, 429]
    assert neighbour == 302


def test_ipv6_clients_are_flood_checked_per_64(client, seed_post, settings):
    settings.COMMENTS_FLOOD_SECONDS = 15

    first = post_from(client, seed_post, "First.", remote="2001:db8:1:2::1")
    hopped = post_from(client, seed_post, "Second.", remote="2001:db8:1:2:ffff:ffff:ffff:ffff")

    assert (first, hopped) == (302, 429)
    assert Comment.objects.get(body="First.").client_network == "2001:db8:1:2::/64"


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        (None, UNKNOWN_CLIENT),
    ],
)
def test_client_key(address, key):
    assert client_key(address) == key
