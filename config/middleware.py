"""Request checks that apply to whole parts of the site."""

from django.http import HttpResponseBadRequest
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
        if request.path.startswith(reverse("admin:index")) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                "NUL characters are not allowed in the address.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
