"""The server-error handler: a database the site cannot reach is a 503, not a 500.

Django calls `handler500` for any exception no view or middleware handled, while that
exception is being handled (so `sys.exc_info()` names it). A database error of the
connection kind (django.db's OperationalError and InterfaceError: the server stopped or
restarting, connections refused or cut) is an outage, not a bug in the page: the reader
gets the 503 page, "try again shortly", with Retry-After, and load balancers and crawlers
know to come back. Anything else gets Django's usual 500 page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """Return True if the error, or one it was raised from or during, is the database's."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


@requires_csrf_token
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    # Like the 500 page: no context, no request, no queries (the database is the problem).
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
