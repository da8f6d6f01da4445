"""Jobs: long work (a large import) done by the worker, off the request, with progress.

An app registers each kind of job it queues, in its AppConfig.ready():

    register("blog.import_platform", run_platform_import)

The handler is called as `handler(job, progress)` in the worker and returns the report to
keep (anything JSON can hold). As it goes it calls `progress(done, total=..., stage=...)`,
which records how far it is, renews the worker's lease on the job, and raises to stop the
run when the time limit is up, the worker is stopping, or the lease was lost to another
worker. A handler raises `JobFailed` for a failure to report to the requester (bad input):
the job ends failed with that message, is not tried again, and keeps the report given.
Any other error is retried with back-off, up to JOBS_MAX_ATTEMPTS.

A worker claims a job with `SELECT … FOR UPDATE SKIP LOCKED` (other workers pass over it)
and a compare-and-set on the claim token (which is what serialises SQLite, where there is
no row locking). A claim is a lease of JOBS_LEASE_SECONDS, renewed by each progress call:
a worker killed mid-job leaves the job to be taken over once the lease ends, and after
JOBS_MAX_ATTEMPTS such takeovers it is marked failed. Handlers must be idempotent, as a
job taken over is run again from the start.
"""

import datetime
import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from outbox.models import Job
from outbox.services import retry_delay

logger = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], object]
_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    """Name the function that runs jobs of this kind (call it from AppConfig.ready())."""
    if _handlers.get(kind, handler) is not handler:
        raise ImproperlyConfigured(f"job kind {kind!r} is registered twice")
    _handlers[kind] = handler


class JobFailed(Exception):
    """The job cannot succeed (bad input): end it failed with this message, no retry."""

    def __init__(self, message: str, *, result=None):
        super().__init__(message)
        self.message = message
        self.result = result


class JobStopped(Exception):
    """The run must stop for a reason outside the job's input."""


class TimeLimitExceeded(JobStopped):
    pass


class WorkerStopping(JobStopped):
    pass


class LeaseLost(JobStopped):
    pass


def job_enqueue(
    *, kind: str, name: str = "", payload: dict | None = None, upload: File | None = None, user=None
) -> Job:
    """Queue a job, storing the upload (if any) for the worker. Runs queries."""
    if kind not in _handlers:
        raise ImproperlyConfigured(f"no handler is registered for job kind {kind!r}")
    job = Job(
        kind=kind,
        name=name[:255],
        payload=payload or {},
        requested_by=user if user is not None and user.is_authenticated else None,
        due_at=timezone.now(),
    )
    if upload is not None:
        job.file.save(upload.name or "upload", upload, save=False)
    try:
        job.save()
    except BaseException:
        if job.file:
            job.file.delete(save=False)
        raise
    return job


def job_claim() -> Job | None:
    """Take the next due job for this worker (a new lease on it), or return None."""
    while True:
        now = timezone.now()
        with transaction.atomic():
            job = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING], due_at__lte=now)
                .order_by("due_at", "pk")
                .first()
            )
            if job is None:
                return None
            if job.status == Job.Status.RUNNING and job.attempts >= settings.JOBS_MAX_ATTEMPTS:
                _give_up_abandoned(job, now)
                continue
            token = uuid.uuid4()
            # Compare-and-set: only one worker moves the job from the state it read.
            won = Job.objects.filter(pk=job.pk, claim=job.claim, due_at=job.due_at).update(
                status=Job.Status.RUNNING,
                claim=token,
                attempts=F("attempts") + 1,
                done=0,  # a job taken over starts again from the beginning
                total=None,
                stage="",
                due_at=now + _lease(),
                started_at=Coalesce(F("started_at"), now),
                updated_at=now,
            )
        if won:
            return Job.objects.get(pk=job.pk)


def _give_up_abandoned(job: Job, now: datetime.datetime) -> None:
    logger.error("outbox: job %s was abandoned by %s workers; gave up", job.pk, job.attempts)
    Job.objects.filter(pk=job.pk, claim=job.claim).update(
        status=Job.Status.FAILED,
        claim=None,
        error=f"The worker running it stopped {job.attempts} times before it finished.",
        finished_at=now,
        updated_at=now,
    )
    _delete_file(job)


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOBS_LEASE_SECONDS)


class Progress:
    """What a handler calls as it goes: records progress, renews the lease, stops the run."""

    def __init__(self, job: Job, *, should_stop: Callable[[], bool] = lambda: False):
        self.job = job
        self.deadline = time.monotonic() + settings.JOBS_TIME_LIMIT_SECONDS
        self.should_stop = should_stop

    def __call__(self, done: int, *, total: int | None = None, stage: str | None = None) -> None:
        if self.should_stop():
            raise WorkerStopping
        if time.monotonic() >= self.deadline:
            raise TimeLimitExceeded
        now = timezone.now()
        changes = {"done": done, "due_at": now + _lease(), "updated_at": now}
        if total is not None:
            changes["total"] = total
        if stage is not None:
            changes["stage"] = stage
        if not Job.objects.filter(pk=self.job.pk, claim=self.job.claim).update(**changes):
            raise LeaseLost


def jobs_run_due(*, should_stop: Callable[[], bool] = lambda: False) -> Job | None:
    """Claim one due job and run it; return the job as it is now, or None if none was due."""
    job = job_claim()
    if job is None:
        return None
    job_run(job, should_stop=should_stop)
    job.refresh_from_db()
    return job


def job_run(job: Job, *, should_stop: Callable[[], bool] = lambda: False) -> None:
    """Run a claimed job with the time limit and record how it ended."""
    handler = _handlers.get(job.kind)
    if handler is None:
        _finish(job, Job.Status.FAILED, error=f"No handler is registered for {job.kind!r}.")
        return
    progress = Progress(job, should_stop=should_stop)
    try:
        with _alarm(settings.JOBS_TIME_LIMIT_SECONDS):
            result = handler(job, progress)
    except LeaseLost:
        logger.warning("outbox: job %s was taken over by another worker; stopped", job.pk)
    except WorkerStopping:
        _release(job)
    except TimeLimitExceeded:
        limit = settings.JOBS_TIME_LIMIT_SECONDS
        _finish(job, Job.Status.FAILED, error=f"Stopped: it ran past the time limit ({limit} s).")
    except JobFailed as failure:
        _finish(job, Job.Status.FAILED, error=failure.message, result=failure.result)
    except Exception as error:  # a bug, or the database or storage failing: try again
        _retry_or_fail(job, error)
    else:
        _finish(job, Job.Status.DONE, result=result)


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    """Interrupt a step that hangs past the limit (progress calls check it between steps).

    Only the main thread receives signals; elsewhere the progress calls and the lease are
    what bound the run.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _finish(job: Job, status: str, *, error: str = "", result=None) -> None:
    now = timezone.now()
    ended = Job.objects.filter(pk=job.pk, claim=job.claim).update(
        status=status, claim=None, error=error, result=result, finished_at=now, updated_at=now
    )
    if not ended:
        logger.warning("outbox: job %s was taken over before it ended", job.pk)
        return
    if status == Job.Status.FAILED:
        logger.warning("outbox: job %s failed: %s", job.pk, error)
    _delete_file(job)


def _release(job: Job) -> None:
    """Give the job back at once, uncounted (the worker is stopping, not the job failing)."""
    now = timezone.now()
    Job.objects.filter(pk=job.pk, claim=job.claim).update(
        status=Job.Status.QUEUED,
        claim=None,
        attempts=F("attempts") - 1,
        due_at=now,
        stage="Waiting: the worker stopped; another will carry on",
        updated_at=now,
    )


def _retry_or_fail(job: Job, error: Exception) -> None:
    description = f"{type(error).__name__}: {error}"[:1000]
    if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
        logger.exception("outbox: gave up on job %s after %s attempts", job.pk, job.attempts)
        message = f"Gave up after {job.attempts} attempts: {description}"
        _finish(job, Job.Status.FAILED, error=message)
        return
    logger.exception("outbox: job %s attempt %s failed", job.pk, job.attempts)
    now = timezone.now()
    Job.objects.filter(pk=job.pk, claim=job.claim).update(
        status=Job.Status.QUEUED,
        claim=None,
        error=f"Attempt {job.attempts} failed ({description}); it will be tried again.",
        due_at=now + retry_delay(job.attempts),
        updated_at=now,
    )


def _delete_file(job: Job) -> None:
    """Delete the job's upload once it is no longer needed (it may hold personal data)."""
    if not job.file:
        return
    try:
        job.file.delete(save=False)
    except OSError as error:  # the storage is down: the row still says where the file is
        logger.warning("outbox: could not delete job %s's file: %s", job.pk, error)
        return
    Job.objects.filter(pk=job.pk).update(file="")
