"""The mail worker: `manage.py send_outbox` (loop) or `send_outbox --once`."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connections

from outbox.services import messages_send_due

logger = logging.getLogger("outbox.services")


class Command(BaseCommand):
    help = "Send queued email, with timeouts and retries. Run it under the process manager."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between polls (default 5)."
        )
        parser.add_argument("--batch", type=int, default=20, help="Messages per claim.")

    def handle(self, *args, once, interval, batch, **options):
        self.stopping = False
        if once:
            self._send(batch, options["verbosity"])
            return
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping:
                close_old_connections()  # as after a request: a broken or old one goes
                try:
                    report = self._send(batch, options["verbosity"])
                except DatabaseError as error:  # the database is down: wait, try again
                    logger.error("outbox: cannot reach the database: %s", error)
                    connections.close_all()
                    report = None
                # A full batch may mean more are due: go again at once.
                if not self.stopping and (report is None or report.claimed < batch):
                    time.sleep(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _send(self, batch, verbosity):
        report = messages_send_due(limit=batch)
        if report and verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
                )
            )
        return report

    def _stop(self, signum, frame):
        self.stopping = True  # finish the message in hand, then stop
