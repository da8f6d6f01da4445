"""`/health/`: what a load balancer or a person checks to see whether the site is well.

200 `ok`: the database and the cache answer. 200 `degraded`: the database answers but the
cache does not, so pages are served uncached (config/cache.py); the site is up, slower.
503 `down`: the database does not answer. Never cached; no cookies, no session.
"""

from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from config.cache import cache_status


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"{type(error).__name__}: {error}"
    return ""


@require_safe
def health(request):
    database, cache = _database_status(), cache_status()
    status = "down" if database else "degraded" if cache else "ok"
    response = JsonResponse(
        {"status": status, "database": database or "ok", "cache": cache or "ok"},
        status=503 if database else 200,
    )
    add_never_cache_headers(response)
    return response
