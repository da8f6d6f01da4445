"""Abuse rules for new comments (each configured in settings, COMMENTS_*), and the quick
actions moderators apply to one comment."""

import datetime
import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, router
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.utils import timezone

from comments.models import Comment
from comments.rendering import URL
from core.counters import count_in_window


class CommentRefused(Exception):
    """A comment that may not be posted at all; the message tells the reader why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Submission:
    """What a reader sent, after the form has checked each field."""

    post: object
    parent: Comment | None
    author_name: str
    author_email: str
    body: str
    notify_replies: bool
    ip_address: str | None
    honeypot: str = ""
    badge: str = ""  # comments.identity.badge_for the signed-in account, if any


def client_ip(request) -> str | None:
    """Return the client's address, trusting only the configured number of proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    the entry that many places from the right; anything further left was written by the
    client and is ignored (a spoofed header cannot change the answer). When that entry is
    missing or is not an address (`garbage`, `1.2.3.4, not-an-ip`), the answer is the
    nearest proxy's own address: every such request then shares one client's limits, so
    a broken header fails closed rather than escaping the rate limit and flood check.
    """
    proxies = settings.COMMENTS_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and (address := _address(forwarded[-proxies])):
            return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text)) if text else None
    except ValueError:
        return None


UNKNOWN_CLIENT = "unknown"


def client_key(ip_address: str | None) -> str:
    """Return what abuse limits count a client by: an IPv4 address, or an IPv6 /64.

    One IPv6 subscriber gets a whole /64 (2^64 addresses), so counting full addresses
    would let one person post as many clients. An IPv4 address mapped into IPv6 counts as
    itself. Clients with no usable address all share one key (fail closed).
    """
    if not ip_address:
        return UNKNOWN_CLIENT
    address = ipaddress.ip_address(ip_address)
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _contains_any(text: str, keywords: list[str]) -> str:
    lowered = text.lower()
    return next((word for word in keywords if word and word.lower() in lowered), "")


def decide_status(submission: Submission) -> tuple[str, str]:
    """Return the status a new comment gets and why: published, pending or spam."""
    everything = " ".join([submission.author_name, submission.author_email, submission.body])
    if submission.honeypot.strip():
        return Comment.Status.SPAM, "honeypot field filled"
    if word := _contains_any(everything, settings.COMMENTS_DISALLOWED_KEYWORDS):
        return Comment.Status.SPAM, f"disallowed keyword {word!r}"
    links = len(URL.findall(submission.body))
    if links > settings.COMMENTS_MAX_LINKS:
        return Comment.Status.PENDING, f"{links} links (more than {settings.COMMENTS_MAX_LINKS})"
    if word := _contains_any(everything, settings.COMMENTS_MODERATION_KEYWORDS):
        return Comment.Status.PENDING, f"moderation keyword {word!r}"
    if settings.COMMENTS_HOLD_FIRST_TIME and not _has_published_before(submission):
        return Comment.Status.PENDING, "first comment from this commenter"
    return Comment.Status.PUBLISHED, ""


def _on_primary():
    """Comments as the primary database has them: the guards below must see a comment
    sent a moment ago, which a read replica may not have yet."""
    return Comment.objects.db_manager(router.db_for_write(Comment))


def _has_published_before(submission: Submission) -> bool:
    if not submission.author_email:
        return False
    published = _with_email(_on_primary()).filter(status=Comment.Status.PUBLISHED)
    return published.filter(_same_email(submission.author_email)).exists()


def _with_email(queryset):
    """`queryset` with the email compared by `_same_email` (what an index of Comment holds)."""
    return queryset.alias(upper_email=Upper("author_email"))


def _same_email(email: str) -> Q:
    """Comments (of `_with_email`) from this address in any case: as `iexact` compares on
    PostgreSQL and on SQLite (ASCII letters), but by an expression an index can serve."""
    return Q(upper_email=Upper(Value(email)))


def check_rate_limit(ip_address: str | None) -> None:
    """Refuse a client over COMMENTS_RATE_LIMIT comments per window, in the shared cache.

    Counted per `client_key` (an IPv6 /64; clients without an address share one count).
    Without the cache it cannot count and lets the comment through (see config/cache.py):
    the flood and duplicate checks in the database still hold.
    """
    if settings.COMMENTS_RATE_LIMIT <= 0:
        return
    window = settings.COMMENTS_RATE_WINDOW_SECONDS
    bucket = int(timezone.now().timestamp()) // window
    client = client_key(ip_address)
    key = "comments:rate:" + hashlib.sha256(f"{client}:{bucket}".encode()).hexdigest()
    if count_in_window(key, window) > settings.COMMENTS_RATE_LIMIT:
        raise CommentRefused(
            "You have posted a lot of comments recently; please try again later.", status=429
        )


def lock_submitter(submission: Submission) -> None:
    """Serialise submissions that the flood and duplicate checks compare with each other.

    Takes a transaction-scoped PostgreSQL advisory lock on the client, on the email and on
    the duplicate's identity (post, name, email, text), in a fixed order, so that of five
    identical submissions arriving at once the first is stored and the others, checked
    only after it commits, are refused. Call inside `transaction.atomic()`, before the
    checks and before any tree lock. SQLite serialises writers itself (development only).
    """
    if connection.vendor != "postgresql":
        return
    identities = {
        f"client:{client_key(submission.ip_address)}",
        "duplicate:"
        + "\n".join(
            [
                str(submission.post.pk),
                submission.author_name,
                submission.author_email.lower(),
                submission.body,
            ]
        ),
    }
    if submission.author_email:
        identities.add(f"email:{submission.author_email.lower()}")
    keys = sorted(
        int.from_bytes(hashlib.sha256(identity.encode()).digest()[:8], "big", signed=True)
        for identity in identities
    )
    # One round trip: PostgreSQL evaluates a volatile select list after ORDER BY (since
    # 9.6), so the locks are taken in key order. The one-key (bigint) lock space, apart
    # from the comment trees' two-key locks.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key ORDER BY key",
            [keys],
        )


def check_flood(submission: Submission) -> None:
    """Refuse a second comment from the same client or email within COMMENTS_FLOOD_SECONDS."""
    seconds = settings.COMMENTS_FLOOD_SECONDS
    if seconds <= 0:
        return
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    sender = Q(client_network=client_key(submission.ip_address))
    if submission.author_email:
        sender |= _same_email(submission.author_email)
    # One query; each side has its index (the client's, the email's, by time).
    if _with_email(_on_primary()).filter(sender, created_at__gte=since).exists():
        raise CommentRefused(
            f"You are posting comments too quickly. Please wait {seconds} seconds and try again.",
            status=429,
        )


def check_duplicate(submission: Submission) -> None:
    """Refuse the same text from the same name and email on the same post."""
    duplicate = (
        _on_primary()
        .filter(
            post=submission.post,
            body=submission.body,
            author_name=submission.author_name,
            author_email__iexact=submission.author_email,
        )
        .exists()
    )
    if duplicate:
        raise CommentRefused("It looks as though you have already posted this comment.")


@dataclass(frozen=True)
class ModerationAction:
    """A quick action on one comment: the status it sets and the statuses it applies to."""

    name: str
    label: str
    status: str
    done: str  # past tense, for the message after the action
    applies_to: frozenset[str]


_PUBLISHED, _PENDING = Comment.Status.PUBLISHED, Comment.Status.PENDING
_SPAM, _REMOVED = Comment.Status.SPAM, Comment.Status.REMOVED

MODERATION_ACTIONS = (
    ModerationAction("approve", "Approve", _PUBLISHED, "approved", frozenset({_PENDING})),
    ModerationAction("spam", "Spam", _SPAM, "marked as spam", frozenset({_PENDING, _PUBLISHED})),
    ModerationAction(
        "remove", "Remove", _REMOVED, "removed", frozenset({_PENDING, _PUBLISHED, _SPAM})
    ),
    ModerationAction("restore", "Restore", _PUBLISHED, "restored", frozenset({_SPAM, _REMOVED})),
)


def moderation_actions(status: str) -> list[ModerationAction]:
    """Return the quick actions that apply to a comment with this status, in button order."""
    return [action for action in MODERATION_ACTIONS if status in action.applies_to]


def moderation_action(name: str, status: str) -> ModerationAction | None:
    """Return the action called `name` if it applies to this status, else None."""
    return next((action for action in moderation_actions(status) if action.name == name), None)
