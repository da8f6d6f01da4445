"""Admin login throttling: five failures per address and username per 15 minutes."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.core.cache import cache
from django.urls import reverse

from config.admin_site import BlogAdminSite
from core.counters import count_in_window

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


def test_the_admin_is_the_projects_site_and_says_the_blogs_name(client, settings):
    page = client.get(LOGIN).content.decode()

    assert isinstance(admin.site, BlogAdminSite)
    assert f"{settings.BLOG_NAME} administration" in page
    assert "Django administration" not in page


def test_the_login_throttle_and_the_comment_rate_limit_count_alike():
    with time_machine.travel(START, tick=False):
        assert [count_in_window("k", 60) for _ in range(3)] == [1, 2, 3]
    with time_machine.travel(START + datetime.timedelta(seconds=61), tick=False):
        assert count_in_window("k", 60) == 1  # a new window


def _fullwidth(text: str) -> str:  # FULLWIDTH LATIN letters
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def _math_bold(text: str) -> str:  # MATHEMATICAL BOLD SMALL letters
    return "".join(chr(0x1D41A + ord(c) - ord("a")) for c in text)


LOOKALIKES = {
    "fullwidth": _fullwidth("reladmin"),
    "fullwidth-upper": _fullwidth("RELADMIN"),
    "mathematical-bold": _math_bold("reladmin"),
    "mixed-case": "RelAdmin",
}


def test_the_lookalikes_are_what_the_issue_names():
    assert LOOKALIKES["fullwidth"] == "\uff52\uff45\uff4c\uff41\uff44\uff4d\uff49\uff4e"
    assert LOOKALIKES["mathematical-bold"][0] == "\N{MATHEMATICAL BOLD SMALL R}"
    assert LOOKALIKES["mathematical-bold"] != "reladmin"


@pytest.mark.parametrize("spelling", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_after_five_failures_for_reladmin_its_lookalikes_are_refused(client, spelling):
    for _ in range(5):
        _login(client, "wrong", username="reladmin")

    assert _login(client, "wrong", username=spelling).status_code == 429


def test_failures_under_lookalikes_count_against_the_real_account(client, django_user_model):
    # Django normalises usernames with NFKC, so the fullwidth and bold spellings could
    # sign in as "reladmin": five failures under any mix of spellings block it.
    django_user_model.objects.create_user("reladmin", password="right", is_staff=True)
    spellings = [*LOOKALIKES.values(), " reladmin "]
    failures = [_login(client, "wrong", username=name).status_code for name in spellings]

    blocked = _login(client, "right", username="reladmin")

    assert failures == [200] * 5
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", ""],
    ids=["other-host", "scheme-relative", "javascript", "empty"],
)
def test_a_login_whose_next_is_refused_lands_on_the_admin_index(client, staff, next_url):
    response = client.post(f"{LOGIN}?next={next_url}", {"username": "editor", "password": "right"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_a_login_with_a_safe_next_still_goes_there(client, staff):
    target = reverse("admin:blog_post_changelist")

    response = client.post(f"{LOGIN}?next={target}", {"username": "editor", "password": "right"})

    assert response["Location"] == target
