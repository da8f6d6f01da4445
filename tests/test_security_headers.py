"""Security headers on the post page, in development and under production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_post_page_sends_a_strict_content_security_policy(client, seed_post):
    response = client.get(seed_post.get_absolute_url())

    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert all(value.startswith("'nonce-") for value in csp["script-src"][1:])
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_post_page_has_no_inline_script_code(client, seed_post):
    """Inline code would need the nonce; the page has none (JSON-LD is data, not code)."""
    page = client.get(seed_post.get_absolute_url()).content.decode()

    assert "<script>" not in page
    assert page.count("<script") == page.count('type="application/ld+json"') + page.count("src=")


def test_post_page_sends_the_other_security_headers(client, seed_post):
    response = client.get(seed_post.get_absolute_url())

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PRODUCTION_PROBE = """
import django, os
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/robots.txt", secure=True, headers={"host": "blog.example.org"})
print(response.status_code)
print(response.headers.get("Strict-Transport-Security"))
print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)
print(Client().get("/robots.txt", headers={"host": "blog.example.org"}).status_code)
"""


def test_production_settings_send_hsts_and_secure_cookies(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="blog.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(Path(__file__).resolve().parent.parent),
    )
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    status, hsts, cookies, plain_http = done.stdout.split("\n")[:4]
    assert status == "200"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert cookies == "True True True"
    assert plain_http == "301"  # plain HTTP is redirected to HTTPS
