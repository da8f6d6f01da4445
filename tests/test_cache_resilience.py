"""Redis is an accelerator: stopped or frozen mid-test, the site still serves pages from
the database, accepts comments, and says it is degraded; the admin login fails closed."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from config import cache as resilient
from config.env import cache_from_url
from tests.redis_server import redis_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

SOCKET_TIMEOUT = 0.2


@pytest.fixture
def on_redis(redis_server, settings):  # noqa: F811
    config = cache_from_url(redis_server.url)
    config["OPTIONS"].update(
        socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT, RETRY_AFTER=0.5
    )
    settings.CACHES = {"default": config}
    resilient._breakers.clear()
    cache.clear()
    yield redis_server
    resilient._breakers.clear()


def timed(client, method, url, **kwargs):
    started = time.monotonic()
    response = getattr(client, method)(url, **kwargs)
    return response, time.monotonic() - started


def reader_pages(post) -> list[str]:
    return ["/", post.get_absolute_url(), "/search/?q=alemtuzumab", "/feed/", "/2014/"]


def comment(client, post, body, ip="203.0.113.9"):
    data = {"name": "Ann", "email": "", "body": body, "website": ""}
    url = reverse("comments:post", kwargs={"post_pk": post.pk})
    return timed(client, "post", url, data=data, REMOTE_ADDR=ip)


def assert_site_works_without_cache(client, post, *, slowest: float):
    for url in reader_pages(post):
        response, took = timed(client, "get", url)
        assert response.status_code == 200, url
        assert took < slowest, (url, took)
    posted, took = comment(client, post, "Posted while the cache is away.")
    assert posted.status_code == 302
    assert took < slowest
    assert Comment.objects.filter(body="Posted while the cache is away.").exists()


def test_pages_and_comments_survive_redis_being_stopped(
    client, seed_post, on_redis, caplog, settings
):
    # Longer than the test takes, however loaded the machine: one log line per window.
    config = settings.CACHES["default"]
    settings.CACHES = {"default": {**config, "OPTIONS": {**config["OPTIONS"], "RETRY_AFTER": 60}}}
    for url in reader_pages(seed_post):
        assert client.get(url).status_code == 200
    assert client.get("/health/").json()["status"] == "ok"

    on_redis.stop()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert_site_works_without_cache(client, seed_post, slowest=2)

    assert "cache unavailable" in caplog.text  # logged once, not once per call
    assert caplog.text.count("cache unavailable") <= 2
    health = client.get("/health/")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert "Connection" in health.json()["cache"]
    assert health["Cache-Control"].startswith("max-age=0")


def test_pages_and_comments_survive_redis_frozen_mid_test(client, seed_post, on_redis):
    assert client.get(seed_post.get_absolute_url()).status_code == 200

    on_redis.pause()
    # One socket timeout opens the breaker; after that no request waits for Redis.
    assert_site_works_without_cache(client, seed_post, slowest=SOCKET_TIMEOUT * 4 + 1)
    health = client.get("/health/").json()
    assert health["status"] == "degraded"
    assert "Timeout" in health["cache"]

    on_redis.resume()
    time.sleep(0.6)  # RETRY_AFTER
    assert client.get("/health/").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert not resilient.cache_degraded()


def test_a_frozen_redis_costs_one_timeout_per_process_not_one_per_call(client, seed_post, on_redis):
    on_redis.pause()
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("anything", "missed") == "missed"
        cache.set("anything", 1)
    assert time.monotonic() - started < SOCKET_TIMEOUT * 3


def test_the_comment_rate_limit_fails_open_but_the_flood_check_still_holds(
    client, seed_post, on_redis, settings
):
    settings.COMMENTS_RATE_LIMIT = 1
    on_redis.stop()

    first, _ = comment(client, seed_post, "One.")
    second, _ = comment(client, seed_post, "Two, at once.")  # flood check, in the database

    assert first.status_code == 302
    assert second.status_code == 429


def test_the_admin_login_fails_closed_without_redis(client, on_redis, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.org", "right")
    on_redis.stop()

    response = client.post(reverse("admin:login"), {"username": "boss", "password": "right"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "_auth_user_id" not in client.session


def test_health_is_down_with_503_when_the_database_fails(client, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "_database_status", lambda: "OperationalError: gone")

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["status"] == "down"
