"""The mail worker: `manage.py send_outbox` (loop) or `send_outbox --once`."""

import signal
import time

from django.core.management.base import BaseCommand

from outbox.services import messages_send_due


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
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while True:
            report = messages_send_due(limit=batch)
            if report and options["verbosity"] >= 1:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
                    )
                )
            if once or self.stopping:
                return
            if not report:  # a full batch may mean more are due: go again at once
                time.sleep(interval)

    def _stop(self, signum, frame):
        self.stopping = True
