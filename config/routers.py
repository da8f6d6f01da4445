"""Send reads to read replicas and everything else to the primary database, except where
a reader must see their own write: then reads stay on the primary."""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# Set while the current request (or block) must read what it, or its reader, just wrote.
_on_primary: ContextVar[bool] = ContextVar("reads_on_primary", default=False)

# The cookie that keeps a reader's requests on the primary for a while after they wrote.
WROTE_COOKIE = "wrote"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


@contextmanager
def reads_on_primary():
    """Read from the primary inside this block (a write and whatever reads it back)."""
    token = _on_primary.set(True)
    try:
        yield
    finally:
        _on_primary.reset(token)


class PrimaryReplicaRouter:
    """Reads go to a random replica (settings.DATABASE_REPLICAS), writes to the primary.

    Reads stay on the primary inside a transaction on the primary (the comment services
    lock a tree and then read its numbers, and a replica could be behind) and inside
    `reads_on_primary()`. Rows read from any of these databases may be related to each
    other (they hold the same data), and migrations run on the primary only; replicas get
    them by replication.
    """

    def db_for_read(self, model, **hints):
        replicas = settings.DATABASE_REPLICAS
        if not replicas or _on_primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        pool = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        if obj1._state.db in pool and obj2._state.db in pool:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """With replicas, a request that may write (any unsafe method) reads from the primary,
    and so do the reader's requests in the next DATABASE_REPLICA_LAG_SECONDS (a short
    cookie): the redirect after posting a comment finds it, even on a lagging replica.

    Without replicas it does nothing, so pages keep their caching (no cookie is set).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        if writes or WROTE_COOKIE in request.COOKIES:
            with reads_on_primary():
                response = self.get_response(request)
        else:
            response = self.get_response(request)
        if writes:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_LAG_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
