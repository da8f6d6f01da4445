"""Mail waiting to leave the site, and the readers' addresses that agreed to receive it.

Written in the transaction of whatever causes the mail (a comment), so a message exists
exactly when its cause does; a worker (`manage.py send_outbox`) sends it later, with a
timeout and retries, so a slow or broken mail server never touches a reader's request.
"""

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
