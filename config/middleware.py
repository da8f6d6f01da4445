"""Project middleware: request checks for whole parts of the site, and the local 404."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse


class RefuseNulInAdminMiddleware:
    """Answer 400 to an admin address whose query string holds a NUL character (`%00`).

    PostgreSQL refuses NUL in any string, so an admin filter or autocomplete term carrying
    one would otherwise fail as a server error. Reader pages handle their own parameters
    (search strips control characters and shows its page), so they are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The query string first: reversing the admin's address costs every request.
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ) and request.path.startswith(reverse("admin:index")):
            return HttpResponseBadRequest(
                "NUL characters are not allowed in the address.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


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
