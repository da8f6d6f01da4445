"""The worker: sends queued email and runs queued jobs (large imports).

`manage.py run_worker` loops until SIGTERM or SIGINT; `--once` does what is due and exits;
`--only mail` or `--only jobs` splits the work between processes (a long import then never
holds up mail). `send_outbox` is the same command under its older name.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connections

from outbox.jobs import jobs_run_due
from outbox.services import messages_send_due

logger = logging.getLogger("outbox.services")

MAIL, JOBS = "mail", "jobs"


class Command(BaseCommand):
    help = (
        "Send queued email (with timeouts and retries) and run queued jobs. "
        "Run it under the process manager."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Do what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between polls (default 5)."
        )
        parser.add_argument("--batch", type=int, default=20, help="Messages per claim.")
        parser.add_argument(
            "--only", choices=[MAIL, JOBS], help="Only send mail, or only run jobs."
        )

    def handle(self, *args, once, interval, batch, only, **options):
        self.stopping = False
        self.verbosity = options["verbosity"]
        work = [w for w in (MAIL, JOBS) if only in (None, w)]
        if once:
            self._round(work, batch)
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping:
                close_old_connections()  # as after a request: a broken or old one goes
                try:
                    busy = self._round(work, batch)
                except DatabaseError as error:  # the database is down: wait, try again
                    logger.error("outbox: cannot reach the database: %s", error)
                    connections.close_all()
                    busy = False
                # Busy (a full batch of mail, or a job run) may mean more is due: go again.
                if not self.stopping and not busy:
                    time.sleep(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _round(self, work: list[str], batch: int) -> bool:
        """Send the mail that is due, then run one due job; return True if more may be due."""
        busy = False
        if MAIL in work:
            report = messages_send_due(limit=batch)
            if report and self.verbosity >= 1:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
                    )
                )
            busy = report.claimed >= batch
        if JOBS in work and not self.stopping:
            job = jobs_run_due(should_stop=lambda: self.stopping)
            if job is not None:
                busy = True
                if self.verbosity >= 1:
                    self.stdout.write(f"job {job.pk} ({job.kind}, {job.name}): {job.status}")
        return busy

    def _stop(self, signum, frame):
        self.stopping = True  # finish the message in hand; hand a running job back
