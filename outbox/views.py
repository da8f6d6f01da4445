"""The confirmation link of a reader's email address."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from outbox.services import address_confirm, address_from_token


@require_http_methods(["GET", "POST"])
def confirm_address(request, token):
    """GET asks for one press (mail scanners follow links), POST confirms the address."""
    email = address_from_token(token)
    if email is None:
        response = render(request, "outbox/confirm.html", {"invalid": True}, status=400)
    else:
        done = request.method == "POST"
        if done:
            address_confirm(email=email)
        response = render(request, "outbox/confirm.html", {"email": email, "done": done})
    add_never_cache_headers(response)
    return response
