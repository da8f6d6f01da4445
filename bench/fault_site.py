"""The site `bench.faults` runs and breaks, on this machine's own servers only.

A PostgreSQL cluster of its own (initdb into a new directory, pg_ctl on a free port), a
redis-server of its own, an SMTP server in this process that can be made to stall, the
outbox mail worker (`manage.py send_outbox`) and gunicorn with production settings
(config/gunicorn.py, DJANGO_DEBUG=false), all on 127.0.0.1 and all stopped, by their
own pids, when the run ends. The shared PostgreSQL and Redis are never touched.
"""

import os
import random
import re
import shutil
import signal
import subprocess
import sys
from argparse import Namespace
from collections import Counter
from pathlib import Path

from bench import local_servers, server
from bench.clients import CLIENT_TIMEOUT
from bench.run import BASE_DIR, environment, log, use_environment
from bench.scratch import ScratchDatabase

READY_PATH = "/health/"
# The last line of a traceback in a log: the exception's (dotted) class name.
EXCEPTION_LINE = re.compile(r"^((?:\w+\.)*\w*(?:Error|Exception|Exit))\b", re.M)


class Site:
    """Everything the run starts, as a context manager; `start()` brings it all up."""

    def __init__(self, args, workdir: Path):
        self.args = args
        self.workdir = workdir
        self.taken: set[int] = set()
        self.postgres: local_servers.PostgresCluster | None = None
        self.scratch: ScratchDatabase | None = None
        self.redis: local_servers.RedisServer | None = None
        self.smtp = None
        self.gunicorn: server.Gunicorn | None = None
        self.mail_worker: subprocess.Popen | None = None
        self.env: dict[str, str] = {}
        self.log_offset = 0

    def port(self) -> int:
        return local_servers.free_port(self.args.ports, self.taken)

    def __enter__(self) -> "Site":
        try:
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self) -> None:
        self.postgres = local_servers.PostgresCluster(self.port())
        log(f"PostgreSQL cluster in {self.postgres.directory} on port {self.postgres.port}")
        self.postgres.init()
        self.postgres.start()
        self.scratch = ScratchDatabase.create(self.postgres.url, self.workdir)
        self.redis = local_servers.RedisServer(self.port())
        self.redis.start()
        self.smtp = local_servers.switchable_smtp(self.port()).__enter__()
        log(f"redis-server on port {self.redis.port}, SMTP on port {self.smtp.port}")
        self.env = self.environment()
        use_environment(self.env)
        import django

        django.setup()

    def environment(self) -> dict[str, str]:
        """Production settings against this run's servers."""
        shape = Namespace(workers=self.args.workers, threads=self.args.threads)
        env = environment(shape, self.scratch, self.workdir, self.redis.url)
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp.port),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="2",
            OUTBOX_RETRY_SECONDS="1",
            # Each client has its own address behind one trusted proxy; the limits that a
            # real reader would meet are lifted, as they would refuse a benchmark's pace.
            COMMENTS_TRUSTED_PROXY_COUNT="1",
            COMMENTS_FLOOD_SECONDS="0",
            COMMENTS_RATE_LIMIT="1000000",
        )
        return env

    def serve(self) -> None:
        """Start the mail worker and gunicorn (after the data is seeded)."""
        with (self.workdir / "outbox.log").open("ab") as out:
            self.mail_worker = subprocess.Popen(
                [sys.executable, "manage.py", "send_outbox", "--interval", "1", "-v", "0"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.gunicorn = server.Gunicorn(
            self.env, self.workdir / "gunicorn.log", READY_PATH, port=self.port()
        ).__enter__()
        log(f"gunicorn on 127.0.0.1:{self.gunicorn.port}, mail worker pid {self.mail_worker.pid}")

    def __exit__(self, *exc) -> None:
        if self.gunicorn is not None:
            self.gunicorn.__exit__(None, None, None)
        server.stop_process(self.mail_worker)
        if self.smtp is not None:
            self.smtp.__exit__(None, None, None)
        if self.redis is not None:
            self.redis.stop()
        self.close_database()
        if self.postgres is not None:
            self.postgres.remove()  # the whole cluster goes, scratch database and all

    @staticmethod
    def close_database() -> None:
        if "DJANGO_SETTINGS_MODULE" in os.environ:
            from django.db import connections

            connections.close_all()

    def kill_worker(self) -> str:
        """SIGKILL one gunicorn worker (the master starts another)."""
        pid = random.Random(self.args.seed).choice(self.gunicorn.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return f"gunicorn worker {pid} killed"

    def health(self) -> str:
        try:
            status, _, body = server.fetch(self.gunicorn.port, READY_PATH, timeout=CLIENT_TIMEOUT)
        except OSError as error:
            return f"no answer ({type(error).__name__})"
        found = re.search(rb'"status": "(\w+)"', body)
        return f"{status} {found.group(1).decode() if found else '?'}"

    def logged_errors(self) -> Counter:
        """Count the exceptions gunicorn's log gained since the last call, by class."""
        path = self.workdir / "gunicorn.log"
        with path.open("rb") as stream:
            stream.seek(self.log_offset)
            text = stream.read().decode(errors="replace")
            self.log_offset = stream.tell()
        return Counter(EXCEPTION_LINE.findall(text))

    def versions(self) -> str:
        return (
            f"PostgreSQL {self.postgres.version()} and redis-server {self.redis.version()} "
            f"of the run's own"
        )


def prerequisites() -> list[str]:
    """Return what this machine lacks for the run (empty when it can run)."""
    missing = []
    if not local_servers.PostgresCluster.available():
        missing.append(f"PostgreSQL server binaries in {local_servers.PG_BIN} (or PG_BIN)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing
