"""Work the site does off the request: mail waiting to leave, and longer jobs.

A message is written in the transaction of whatever causes the mail (a comment), so it
exists exactly when its cause does; a worker (`manage.py run_worker`, also called
`send_outbox`) sends it later, with a timeout and retries, so a slow or broken mail server
never touches a reader's request. The same worker runs `Job`s (a large admin import) whose
kinds other apps register (`outbox.jobs`).
"""

import uuid

from django.conf import settings
from django.db import models


class Message(models.Model):
    """One email to send: who to, what it says, and how sending it has gone."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    to = models.JSONField(help_text="List of recipient addresses.")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        help_text="Not sent before this (a retry's back-off, or a worker's claim)."
    )
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)} ({self.status})"


class Address(models.Model):
    """A reader's email address and whether its owner confirmed it (by a signed link).

    Mail carrying other readers' text goes only to confirmed addresses, so nobody can make
    the site send their text to a stranger's inbox.
    """

    email = models.EmailField(unique=True, help_text="Lower-cased.")
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


def job_file_name(instance: "Job", filename: str) -> str:
    """Store a job's upload under a random name: it may hold readers' addresses."""
    return f"jobs/{uuid.uuid4().hex}.upload"


class Job(models.Model):
    """One piece of long work a worker does off the request, with its progress and result.

    What a kind of job does is up to the app that registered it (`outbox.jobs.register`);
    the outbox stores the job, lends it to one worker at a time and records how it went.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=100, help_text="The registered kind, e.g. blog.import.")
    name = models.CharField(
        max_length=255, blank=True, help_text="What it works on, for people: a file's name."
    )
    payload = models.JSONField(default=dict, blank=True, help_text="The kind's options.")
    file = models.FileField(
        upload_to=job_file_name,
        max_length=255,
        blank=True,
        help_text="The uploaded data (default storage); deleted when the job ends.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text="Steps done (posts, documents).")
    total = models.PositiveIntegerField(
        null=True, blank=True, help_text="Steps in all, once known."
    )
    stage = models.CharField(max_length=200, blank=True, help_text="What it is doing now.")
    result = models.JSONField(null=True, blank=True, help_text="The kind's report.")
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(
        help_text="Queued: not started before this. Running: the worker's lease ends then, "
        "and another worker takes the job over unless it was renewed."
    )
    claim = models.UUIDField(null=True, blank=True, help_text="The running worker's token.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="outbox_job_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="outbox_job_done_at_most_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
