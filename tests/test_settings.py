"""Production settings are safe: check --deploy is clean, and unsafe values refuse to start."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import mailers
from tests.settings_probe import settings_of

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"


def manage(*args, **env) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only the given settings in its environment.

    Its database is a scratch SQLite file unless `env` names one: `check` opens the
    default database, which would otherwise be the checkout's db.sqlite3 (or, on
    PostgreSQL, the real database rather than the test one).
    """
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    with tempfile.TemporaryDirectory(prefix="msblog-manage-") as scratch:
        environment["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'db.sqlite3'}"
        environment.update(env)
        return subprocess.run(
            [sys.executable, str(MANAGE), *args],
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "blog.example.org",
}


def test_check_deploy_is_clean_with_production_environment():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be a boolean"),
    ],
    ids=["no-secret", "open-hosts", "bad-bool"],
)
def test_unsafe_production_settings_refuse_to_start(override, message):
    env = {**PRODUCTION, **override}
    if env["DJANGO_SECRET_KEY"] == "":
        del env["DJANGO_SECRET_KEY"]

    # Refused while the settings load: `manage.py` then stops with this message
    # (tests/test_production.py checks that end to end for a bad CACHE_URL).
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_of(**env)


def test_mail_goes_to_the_console_in_development_and_through_smtp_with_a_timeout(monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "USE_TLS", "TIMEOUT"):
        monkeypatch.delenv(f"EMAIL_{name}", raising=False)

    assert mailers(debug=True)["default"]["BACKEND"].endswith("console.EmailBackend")
    production = mailers(debug=False)["default"]
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_TIMEOUT", "3")
    development_with_a_server = mailers(debug=True)["default"]

    assert production["BACKEND"].endswith("smtp.EmailBackend")
    assert production["OPTIONS"] == {
        "host": "localhost",
        "port": 587,
        "username": "",
        "password": "",
        "use_tls": True,
        "timeout": 10,
    }
    assert development_with_a_server["OPTIONS"]["host"] == "smtp.example.org"
    assert development_with_a_server["OPTIONS"]["timeout"] == 3


@pytest.mark.parametrize("timeout", ["0", "-5", "soon"])
def test_an_email_timeout_that_is_not_a_positive_number_refuses_to_start(monkeypatch, timeout):
    monkeypatch.setenv("EMAIL_TIMEOUT", timeout)

    with pytest.raises(ImproperlyConfigured, match="EMAIL_TIMEOUT must be"):
        mailers(debug=False)
