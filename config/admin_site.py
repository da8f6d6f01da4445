"""The project's admin site: the blog's name on every admin page, and a login throttle.

Installed through `config.apps.BlogAdminConfig` (in INSTALLED_APPS instead of
django.contrib.admin),
so `admin.site` and `@admin.register` everywhere mean this site.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpResponse

from comments.moderation import client_ip, client_key
from config.cache import cache_degraded
from core.counters import count_in_window

# Guessing passwords through the admin login is slowed down: after LOGIN_MAX_FAILURES
# failed attempts for one username from one address, further attempts are refused for
# LOGIN_WINDOW_SECONDS. Counted in the shared cache, like the comment rate limit.
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_SECONDS = 15 * 60


def _login_failures_key(request) -> str:
    # As Django compares usernames (NFKC), and case-folded: the fullwidth "reladmin" and
    # "RelAdmin" count against "reladmin". IPv6 clients count per /64 (client_key).
    username = unicodedata.normalize("NFKC", request.POST.get("username", "")).strip().casefold()
    client = client_key(client_ip(request))
    digest = hashlib.sha256(f"{client}\n{username}".encode()).hexdigest()
    return f"admin-login-failures:{digest}"


class BlogAdminSite(admin.AdminSite):
    """Django's admin, named after the blog, refusing repeated failed logins."""

    @property
    def site_header(self) -> str:
        return f"{settings.BLOG_NAME} administration"

    @property
    def site_title(self) -> str:
        return f"{settings.BLOG_NAME} admin"

    def login(self, request, extra_context=None):
        """Refuse a login after too many failures for this address and username."""
        if request.method != "POST":
            return super().login(request, extra_context)
        key = _login_failures_key(request)
        failures = cache.get(key, 0)
        if cache_degraded():
            # Fails closed: without the shared counter guesses could not be limited.
            return HttpResponse(
                "Signing in is briefly unavailable. Please try again in a minute.",
                status=503,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": "60"},
            )
        if failures >= LOGIN_MAX_FAILURES:
            return HttpResponse(
                "Too many failed login attempts. Try again in 15 minutes.",
                status=429,
                content_type="text/plain; charset=utf-8",
                headers={"Retry-After": str(LOGIN_WINDOW_SECONDS)},
            )
        response = super().login(request, extra_context)
        if request.user.is_authenticated:
            cache.delete(key)
        else:
            count_in_window(key, LOGIN_WINDOW_SECONDS)
        return response
