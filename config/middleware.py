"""Middleware for local development only."""

from django.shortcuts import render


class SiteNotFoundPageMiddleware:
    """Under DEBUG (`make run`), show the site's own 404 page instead of Django's debug
    page, so what readers will see can be tried locally. settings.py adds it only when
    DEBUG is on and DJANGO_DEBUG_ROUTES is not set; with it set, Django's debug page
    (which lists every route) comes back. It is the innermost middleware, so the others
    (security headers, CSP) still apply to the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return render(request, "404.html", {"debug_note": True}, status=404)
        return response
