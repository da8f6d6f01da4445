"""Abuse rules for new comments (each configured in settings, COMMENTS_*), and the quick
actions moderators apply to one comment."""

import datetime
import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import router
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


def client_ip(request) -> str | None:
    """Return the client's address, trusting only the configured number of proxies.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
    the entry that many places from the right; anything further left was written by the
    client and is ignored (a spoofed header cannot change the answer).
    """
    proxies = settings.COMMENTS_TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR")
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


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
    return (
        _on_primary()
        .filter(author_email__iexact=submission.author_email, status=Comment.Status.PUBLISHED)
        .exists()
    )


def check_rate_limit(ip_address: str | None) -> None:
    """Refuse a client over COMMENTS_RATE_LIMIT comments per window, in the shared cache."""
    if not ip_address or settings.COMMENTS_RATE_LIMIT <= 0:
        return
    window = settings.COMMENTS_RATE_WINDOW_SECONDS
    bucket = int(timezone.now().timestamp()) // window
    key = "comments:rate:" + hashlib.sha256(f"{ip_address}:{bucket}".encode()).hexdigest()
    if count_in_window(key, window) > settings.COMMENTS_RATE_LIMIT:
        raise CommentRefused(
            "You have posted a lot of comments recently; please try again later.", status=429
        )


def check_flood(submission: Submission) -> None:
    """Refuse a second comment from the same client or email within COMMENTS_FLOOD_SECONDS."""
    seconds = settings.COMMENTS_FLOOD_SECONDS
    if seconds <= 0:
        return
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    recent = _on_primary().filter(created_at__gte=since)
    same_client = submission.ip_address and recent.filter(ip_address=submission.ip_address).exists()
    same_email = (
        submission.author_email
        and recent.filter(author_email__iexact=submission.author_email).exists()
    )
    if same_client or same_email:
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
