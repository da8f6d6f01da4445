"""Admin login throttling: five failures per address and username per 15 minutes."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
START = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", password="right", is_staff=True)


def _login(client, password, username="editor", ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_then_even_the_right_password_is_refused(client, staff):
    statuses = [_login(client, "wrong").status_code for _ in range(5)]
    blocked = _login(client, "right")

    assert statuses == [200] * 5
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_other_address_or_username_is_not_blocked(client, staff):
    for _ in range(5):
        _login(client, "wrong")

    assert _login(client, "wrong", ip="198.51.100.1").status_code == 200
    assert _login(client, "wrong", username="someone").status_code == 200
    assert _login(client, "right", ip="198.51.100.1").status_code == 302


def test_block_lifts_after_fifteen_minutes(client, staff):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            _login(client, "wrong")
        assert _login(client, "right").status_code == 429
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        assert _login(client, "right").status_code == 302


def test_success_resets_the_count(client, staff):
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, "right").status_code == 302
    client.logout()

    assert [_login(client, "wrong").status_code for _ in range(4)] == [200] * 4


def test_login_page_still_opens(client):
    assert client.get(LOGIN).status_code == 200
