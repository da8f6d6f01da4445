"""Queue mail in the database, send it from a worker, and confirm readers' addresses."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.site import absolute_url
from outbox.models import Address, Message

logger = logging.getLogger(__name__)

CONFIRM_SALT = "outbox.confirm-address"


def message_enqueue(
    *, to: list[str], subject: str, body: str, headers: dict[str, str] | None = None
) -> Message:
    """Queue one email. Call it inside the transaction of what causes it: it is sent only
    if that commits, and never inside the request (see `messages_send_due`)."""
    return Message.objects.create(
        to=list(to),
        subject=subject,
        body=body,
        headers=headers or {},
        next_attempt_at=timezone.now(),
    )


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.claimed)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back off exponentially after each failed attempt, at most an hour apart."""
    return datetime.timedelta(
        seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** (attempts - 1), 3600)
    )


def _claim_due(limit: int) -> list[Message]:
    """Take up to `limit` due messages for this worker.

    The rows are locked while they are claimed (other workers skip them) and pushed
    OUTBOX_CLAIM_SECONDS into the future, so a worker killed mid-send leaves them to be
    picked up again after that, never lost.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:limit]
        )
        Message.objects.filter(pk__in=[m.pk for m in due]).update(
            attempts=F("attempts") + 1,
            next_attempt_at=now + datetime.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
        )
    for message in due:
        message.attempts += 1
    return due


def messages_send_due(*, limit: int = 20) -> SendReport:
    """Send the messages that are due, each with the mailer's timeout (EMAIL_TIMEOUT).

    A failure schedules a retry with back-off; after OUTBOX_MAX_ATTEMPTS the message is
    marked failed and logged. Runs in the worker (`manage.py run_worker`), never in a
    request.
    """
    report = SendReport()
    _record_sent_before()
    for message in _claim_due(limit):
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                to=message.to,
                headers=message.headers,
            ).send()
        except Exception as error:  # any failure of the mail server or the network
            _record_failure(message, error, report)
        else:
            sent_at = timezone.now()
            try:
                _record_sent(message.pk, sent_at)
            except DatabaseError:
                _sent_unrecorded[message.pk] = sent_at
                raise
            report.sent += 1
    return report


# Messages this worker sent but could not mark sent (the database failed just then),
# marked at its next round: otherwise their claim would run out and they would be sent
# again. Lost only if the worker stops first (then they are sent again: at least once).
_sent_unrecorded: dict[int, datetime.datetime] = {}


def _record_sent(pk: int, sent_at: datetime.datetime) -> None:
    Message.objects.filter(pk=pk).update(status=Message.Status.SENT, sent_at=sent_at, last_error="")


def _record_sent_before() -> None:
    for pk, sent_at in list(_sent_unrecorded.items()):
        _record_sent(pk, sent_at)
        del _sent_unrecorded[pk]


def _record_failure(message: Message, error: Exception, report: SendReport) -> None:
    description = f"{type(error).__name__}: {error}"[:1000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error(
            "outbox: gave up on message %s after %s attempts: %s",
            message.pk,
            message.attempts,
            description,
        )
        changes = {"status": Message.Status.FAILED}
        report.failed += 1
    else:
        logger.warning(
            "outbox: message %s attempt %s failed: %s", message.pk, message.attempts, description
        )
        changes = {"next_attempt_at": timezone.now() + retry_delay(message.attempts)}
        report.retrying += 1
    Message.objects.filter(pk=message.pk).update(last_error=description, **changes)


# --- Confirming addresses ----------------------------------------------------------------


def normalize_email(email: str) -> str:
    return email.strip().lower()


def is_confirmed(email: str) -> bool:
    """Return True if the address's owner has confirmed it. Runs a query."""
    return Address.objects.filter(email=normalize_email(email), confirmed_at__isnull=False).exists()


def confirmation_token(email: str) -> str:
    return signing.dumps({"email": normalize_email(email)}, salt=CONFIRM_SALT, compress=True)


def address_request_confirmation(*, email: str) -> bool:
    """Queue the one confirmation email an address ever gets; return True if it was queued.

    Only the first request for an address queues it (a conditional UPDATE, so concurrent
    requests cannot both win); a confirmed address needs none. The email says only what
    the site says: no reader's text goes to an address before it is confirmed.
    """
    email = normalize_email(email)
    address, _ = Address.objects.get_or_create(email=email)
    won = Address.objects.filter(
        pk=address.pk, confirmation_sent_at__isnull=True, confirmed_at__isnull=True
    ).update(confirmation_sent_at=timezone.now())
    if not won:
        return False
    link = absolute_url(reverse("outbox:confirm", kwargs={"token": confirmation_token(email)}))
    message_enqueue(
        to=[email],
        subject=f"Confirm your email address for {settings.BLOG_NAME}",
        body=(
            f"Someone, hopefully you, asked {settings.BLOG_NAME} to email this address "
            "about replies to a comment.\n\n"
            f"To receive those emails, confirm the address: {link}\n\n"
            "If it was not you, ignore this message: nothing more will be sent to you.\n"
        ),
    )
    return True


def address_from_token(token: str) -> str | None:
    """Return the address a signed confirmation token names, or None if it is not genuine."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.OUTBOX_CONFIRM_DAYS * 86400)
    except signing.BadSignature:
        return None
    email = data.get("email") if isinstance(data, dict) else None
    return email if isinstance(email, str) else None


def address_confirm(*, email: str) -> Address:
    """Mark the address confirmed (idempotent)."""
    address, _ = Address.objects.get_or_create(email=normalize_email(email))
    if address.confirmed_at is None:
        address.confirmed_at = timezone.now()
        address.save(update_fields=["confirmed_at"])
    return address
