"""Production settings are safe: check --deploy is clean, and unsafe values refuse to start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"


def manage(*args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
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

    done = manage("check", **env)

    assert done.returncode != 0
    assert message in done.stderr
