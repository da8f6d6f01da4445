"""A database that belongs to one benchmark run: created at the start, dropped at the end.

SQLite: a new file in the run's own temporary directory. PostgreSQL: a new database
(`msblog_bench_<random>`) on the server the given URL points at; the URL's own database is
only used to issue CREATE DATABASE and DROP DATABASE. Nothing that existed before the run
is ever written to or dropped.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class ScratchError(Exception):
    pass


@dataclass
class ScratchDatabase:
    url: str  # what the run uses (DATABASE_URL)
    vendor: str  # "sqlite" or "postgresql"
    server_url: str = ""  # PostgreSQL: where CREATE/DROP DATABASE are issued
    name: str = ""  # PostgreSQL: the database this run created
    path: Path | None = None  # SQLite: the file this run created
    created: bool = False

    @classmethod
    def create(cls, given_url: str | None, workdir: Path) -> "ScratchDatabase":
        """Create a fresh database: a SQLite file in `workdir`, or one on the given server."""
        if not given_url:
            path = workdir / "bench.sqlite3"
            return cls._sqlite(path)
        parts = urlsplit(given_url)
        if parts.scheme == "sqlite":
            # sqlite:////abs/path: never reuse a file that exists (it may be someone's data).
            path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
            if path.exists():
                raise ScratchError(f"{path} exists; give a SQLite path that does not exist yet")
            return cls._sqlite(path)
        if parts.scheme in {"postgres", "postgresql", "pgsql"}:
            return cls._postgres(given_url)
        raise ScratchError(f"unsupported database URL scheme {parts.scheme!r}")

    @classmethod
    def _sqlite(cls, path: Path) -> "ScratchDatabase":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=False)
        return cls(url=f"sqlite:///{path}", vendor="sqlite", path=path, created=True)

    @classmethod
    def _postgres(cls, server_url: str) -> "ScratchDatabase":
        import psycopg
        from psycopg import sql

        name = f"msblog_bench_{secrets.token_hex(4)}"
        with psycopg.connect(_libpq_url(server_url), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        parts = urlsplit(server_url)
        url = urlunsplit(parts._replace(path=f"/{name}"))
        return cls(
            url=url,
            vendor="postgresql",
            server_url=server_url,
            name=name,
            created=True,
        )

    def drop(self) -> None:
        """Remove what this run created, and only that."""
        if not self.created:
            return
        if self.vendor == "sqlite" and self.path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        elif self.vendor == "postgresql":
            import psycopg
            from psycopg import sql

            with psycopg.connect(_libpq_url(self.server_url), autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.name)
                    )
                )
        self.created = False


def _libpq_url(url: str) -> str:
    """psycopg wants postgresql:// (dj-database-url also accepts postgres:// and pgsql://)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))
