"""`manage.py send_outbox`: the worker's older name (see run_worker), kept for the process
managers and scripts that start it so."""

from outbox.management.commands.run_worker import Command as WorkerCommand


class Command(WorkerCommand):
    pass
