"""`manage.py create_demo_staff`: a local staff account for `make run`, never in production."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def local_settings(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_STAFF_USERNAME", raising=False)
    monkeypatch.delenv("DEMO_STAFF_PASSWORD", raising=False)


def _run() -> str:
    out = io.StringIO()
    call_command("create_demo_staff", stdout=out)
    return out.getvalue()


def _credentials(output: str) -> tuple[str, str]:
    username = re.search(r"username:\s+(\S+)", output).group(1)
    password = re.search(r"password:\s+(\S+)", output).group(1)
    return username, password


def _groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def _logs_in_to_the_admin(client, username, password) -> bool:
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )
    if response.status_code != 302:
        return False
    return client.get(reverse("admin:index")).context["user"].get_username() == username


def test_creates_editor_with_a_random_password_printed_once_that_logs_in(client):
    output = _run()
    username, password = _credentials(output)

    user = get_user_model().objects.get()
    assert username == "editor" == user.username
    assert len(password) >= 20
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert _groups(user) == {"Editors", "Moderators"}
    assert _logs_in_to_the_admin(client, username, password)


def test_output_says_where_to_log_in_and_how_to_reset_the_password():
    output = _run()

    assert "  log in at: http://127.0.0.1:8000/admin/\n" in output
    assert "manage.py changepassword editor" in output
    other = io.StringIO()
    get_user_model().objects.all().delete()
    call_command("create_demo_staff", "--site-url", "http://127.0.0.1:8161/", stdout=other)
    assert "  log in at: http://127.0.0.1:8161/admin/\n" in other.getvalue()


def test_each_new_account_gets_its_own_password(django_user_model):
    first = _credentials(_run())[1]
    django_user_model.objects.all().delete()

    assert _credentials(_run())[1] != first


def test_second_run_changes_nothing_and_prints_no_password(client):
    username, password = _credentials(_run())
    before = get_user_model().objects.values().get()

    output = _run()

    assert output == (
        "Demo staff account 'editor' already exists; nothing changed.\n"
        "  log in at: http://127.0.0.1:8000/admin/\n"
        "  username:  editor\n"
        "Forgot the password? Set a new one with: "
        ".venv/bin/python manage.py changepassword editor\n"
    )
    assert password not in output
    assert list(get_user_model().objects.values()) == [before]
    assert _logs_in_to_the_admin(client, username, password)


def test_second_run_with_a_password_in_the_environment_keeps_the_old_one(monkeypatch):
    _, password = _credentials(_run())
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "a different demo passphrase")

    output = _run()

    assert "already exists" in output
    assert get_user_model().objects.get().check_password(password)


def test_uses_username_and_password_from_the_environment(client, monkeypatch):
    monkeypatch.setenv("DEMO_STAFF_USERNAME", "mousedoctor")
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "remyelination-2014-nmo")

    output = _run()

    user = get_user_model().objects.get()
    assert user.username == "mousedoctor"
    assert _groups(user) == {"Editors", "Moderators"}
    assert "remyelination-2014-nmo" not in output
    assert _logs_in_to_the_admin(client, "mousedoctor", "remyelination-2014-nmo")


def test_username_from_the_environment_gets_a_printed_random_password(client, monkeypatch):
    monkeypatch.setenv("DEMO_STAFF_USERNAME", "profg")

    username, password = _credentials(_run())

    assert username == "profg"
    assert _logs_in_to_the_admin(client, username, password)


def test_refuses_a_weak_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "password")

    with pytest.raises(CommandError, match="not created: This password is too common"):
        _run()

    assert not get_user_model().objects.exists()


@override_settings(DEBUG=False)
def test_refuses_without_debug_and_creates_nothing(monkeypatch):
    monkeypatch.setenv("DEMO_STAFF_PASSWORD", "remyelination-2014-nmo")

    with pytest.raises(CommandError, match="DEBUG is off"):
        _run()

    assert not get_user_model().objects.exists()


def test_refuses_with_production_settings_and_exits_non_zero(tmp_path):
    env = os.environ | {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "blog.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",  # never the project's
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_staff"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Refusing to create a demo staff account: DEBUG is off" in result.stderr
