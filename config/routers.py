"""Send reads to read replicas and everything else to the primary database."""

import random

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


class PrimaryReplicaRouter:
    """Reads go to a random replica (settings.DATABASE_REPLICAS), writes to the primary.

    Inside a transaction on the primary, reads stay on the primary too: the comment
    services lock a tree and then read its numbers, and a replica could be behind. Rows
    read from any of these databases may be related to each other (they hold the same
    data), and migrations run on the primary only; replicas get them by replication.
    """

    def db_for_read(self, model, **hints):
        replicas = settings.DATABASE_REPLICAS
        if not replicas or connections[DEFAULT_DB_ALIAS].in_atomic_block:
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
