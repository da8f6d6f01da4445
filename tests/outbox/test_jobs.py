"""The worker's jobs (outbox.jobs): claimed by one worker at a time, leased, retried, limited.

A test kind is registered here; the blog's import kinds are tested in
tests/platforms/test_import_jobs.py.
"""

import datetime
import threading
import time
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from outbox import jobs
from outbox.jobs import (
    JobFailed,
    LeaseLost,
    Progress,
    job_claim,
    job_enqueue,
    job_run,
    jobs_run_due,
)
from outbox.models import Job

pytestmark = pytest.mark.django_db

KIND = "tests.count"


class Recorder:
    """A handler that counts to the payload's `steps`, reporting each step, and records runs."""

    def __init__(self):
        self.runs = []
        self.on_step = None  # called with (job, step) after each progress call

    def __call__(self, job, progress):
        self.runs.append(job.pk)
        steps = job.payload.get("steps", 3)
        with job.file.open("rb") as handle:
            data = handle.read()
        for step in range(1, steps + 1):
            progress(step, total=steps, stage="Counting")
            if self.on_step:
                self.on_step(job, step)
        if job.payload.get("fail"):
            raise JobFailed("line 3: not a number", result={"refused": ["data.txt:3: no"]})
        return {"counted": steps, "bytes": len(data)}


@pytest.fixture
def handler():
    recorder = Recorder()
    jobs._handlers[KIND] = recorder
    yield recorder
    del jobs._handlers[KIND]


def enqueue(**payload) -> Job:
    return job_enqueue(kind=KIND, name="data.txt", payload=payload, upload=ContentFile(b"12345"))


def later(seconds: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=False)


class Killed(BaseException):
    """A worker process dying (SIGKILL): nothing of the job's own handling runs."""


def test_a_job_runs_once_and_keeps_its_report_and_drops_its_upload(handler):
    job = enqueue(steps=4)
    stored = job.file.name
    assert default_storage.exists(stored)

    ran = jobs_run_due()

    assert ran.pk == job.pk
    assert (ran.status, ran.done, ran.total, ran.attempts) == ("done", 4, 4, 1)
    assert ran.result == {"counted": 4, "bytes": 5}
    assert ran.finished_at is not None and ran.claim is None
    assert not ran.file and not default_storage.exists(stored)
    assert jobs_run_due() is None  # nothing more is due
    assert handler.runs == [job.pk]


def test_progress_is_recorded_as_the_job_goes(handler):
    enqueue(steps=3)
    seen = []
    handler.on_step = lambda job, step: seen.append(
        Job.objects.values_list("status", "done", "total", "stage").get(pk=job.pk)
    )

    jobs_run_due()

    assert seen == [("running", n, 3, "Counting") for n in (1, 2, 3)]


def test_a_job_that_fails_on_its_input_ends_failed_with_the_message_and_is_not_retried(handler):
    job = enqueue(fail=True)

    jobs_run_due()

    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == ("failed", "line 3: not a number", 1)
    assert job.result == {"refused": ["data.txt:3: no"]}
    assert not job.file
    with later(3600 * 24):
        assert jobs_run_due() is None


def test_an_unexpected_error_is_retried_with_back_off_then_given_up(handler, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = enqueue()
    handler.on_step = lambda job, step: 1 / 0

    jobs_run_due()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 1)
    assert "ZeroDivisionError" in job.error and "tried again" in job.error
    assert job.file  # kept for the retry
    assert jobs_run_due() is None  # backing off

    with later(settings.OUTBOX_RETRY_SECONDS + 1):
        jobs_run_due()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.error.startswith("Gave up after 2 attempts: ZeroDivisionError")


def test_a_job_whose_worker_died_is_taken_over_after_the_lease(handler, settings):
    job = enqueue(steps=3)

    def die(job, step):
        if step == 2:
            raise Killed

    handler.on_step = die
    with pytest.raises(Killed):
        jobs_run_due()
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("running", 2, 1)
    assert jobs_run_due() is None  # leased to the dead worker until the lease ends

    handler.on_step = None
    with later(settings.JOBS_LEASE_SECONDS + 1):
        ran = jobs_run_due()

    assert (ran.pk, ran.status, ran.done, ran.attempts) == (job.pk, "done", 3, 2)
    assert handler.runs == [job.pk, job.pk]


def test_a_worker_that_lost_its_lease_stops_and_cannot_overwrite_the_new_run(handler, settings):
    job = enqueue(steps=3)
    slow = job_claim()  # a worker takes the job, then stalls past its lease
    with later(settings.JOBS_LEASE_SECONDS + 1):
        taken_over = jobs_run_due()
    assert (taken_over.status, taken_over.attempts) == ("done", 2)

    with pytest.raises(LeaseLost):
        Progress(slow)(1)
    job_run(slow)  # the stalled worker wakes up: its first progress call stops it

    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("done", 2, {"counted": 3, "bytes": 5})


def test_a_job_abandoned_by_every_attempt_is_marked_failed(handler, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = enqueue()
    for attempt in range(2):
        with later((settings.JOBS_LEASE_SECONDS + 1) * attempt):
            assert job_claim().pk == job.pk  # then the worker dies

    with later((settings.JOBS_LEASE_SECONDS + 1) * 2):
        assert jobs_run_due() is None

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "The worker running it stopped 2 times before it finished."
    assert handler.runs == []


def test_a_job_past_its_time_limit_is_stopped_and_marked_failed(handler, settings):
    settings.JOBS_TIME_LIMIT_SECONDS = 0
    job = enqueue(steps=3)

    jobs_run_due()

    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 0)
    assert job.error == "Stopped: it ran past the time limit (0 s)."


def test_a_step_that_hangs_past_the_time_limit_is_interrupted(handler, settings):
    settings.JOBS_TIME_LIMIT_SECONDS = 1
    job = enqueue(steps=1)
    handler.on_step = lambda job, step: time.sleep(5)

    started = time.monotonic()
    jobs_run_due()

    assert time.monotonic() - started < 3
    job.refresh_from_db()
    assert job.status == "failed" and "time limit" in job.error


def test_a_stopping_worker_hands_its_job_back_uncounted(handler):
    job = enqueue(steps=3)
    stopping = threading.Event()
    handler.on_step = lambda job, step: stopping.set()

    jobs_run_due(should_stop=stopping.is_set)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.claim) == ("queued", 0, None)
    assert job.file
    ran = jobs_run_due()  # the next worker runs it at once
    assert (ran.status, ran.attempts) == ("done", 1)


def test_run_worker_runs_jobs_and_send_outbox_is_the_same_worker(handler):
    first, second = enqueue(), enqueue()
    out = StringIO()

    call_command("run_worker", "--once", "--only", "jobs", stdout=out)
    call_command("send_outbox", "--once", stdout=out)

    assert f"job {first.pk} (tests.count, data.txt): done" in out.getvalue()
    assert f"job {second.pk} (tests.count, data.txt): done" in out.getvalue()


def test_an_unknown_kind_cannot_be_queued():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        job_enqueue(kind="nobody.registered.this")
    assert not Job.objects.exists()


# --- Concurrent workers (PostgreSQL: SQLite has no row locks, it serialises writers) -----

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent workers need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_a_job_another_worker_has_locked(handler):
    first, second = enqueue(), enqueue()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Job.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        claimed = job_claim()
        took = time.monotonic() - started
    finally:
        release.set()
        thread.join(10)

    assert claimed.pk == second.pk  # not blocked behind the lock: it took the next job
    assert took < 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job(handler):
    queued = [enqueue(steps=2).pk for _ in range(12)]
    barrier = threading.Barrier(2)
    ran: list[list[int]] = [[], []]
    errors = []

    def worker(number):
        try:
            barrier.wait()
            while (job := jobs_run_due()) is not None:
                ran[number].append(job.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(ran[0] + ran[1]) == queued  # every job once, none twice
    assert sorted(handler.runs) == queued
    assert set(Job.objects.values_list("status", "attempts")) == {("done", 1)}
