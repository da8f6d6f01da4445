"""Emails about comments, queued in the comment's own transaction (outbox.Message).

The worker (`manage.py send_outbox`) sends them, so the reader's request never waits for
a mail server. A commenter's text goes only to the post's author, to moderators, and to
readers who confirmed their address; an unconfirmed address gets one confirmation email
(outbox.services.address_request_confirmation) and nothing else.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q
from django.urls import reverse

from comments.models import Comment
from core.site import absolute_url
from outbox.services import address_request_confirmation, is_confirmed, message_enqueue

UNSUBSCRIBE_SALT = "comments.unsubscribe"


def unsubscribe_token(comment) -> str:
    return signing.dumps({"comment": comment.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def comment_from_token(token: str, *, max_age_days: int = 365):
    """Return the comment a signed unsubscribe token names, or None if it is not genuine."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=data.get("comment")).select_related("post").first()


def _absolute(path: str) -> str:
    return absolute_url(path)


def _moderator_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    users = users.filter(
        Q(is_superuser=True)
        | Q(user_permissions__codename="change_comment")
        | Q(groups__permissions__codename="change_comment")
    ).distinct()
    return sorted(
        set(settings.COMMENTS_MODERATOR_EMAILS) | set(users.values_list("email", flat=True))
    )


def notify_about(comment, *, reason: str = "") -> list[dict]:
    """Queue the emails a new comment calls for; return them (for the log and the tests).

    Call inside the comment's transaction. Runs a few queries, never any network I/O.
    """
    post = comment.post
    messages: list[dict] = []
    if comment.notify_replies and comment.status != Comment.Status.SPAM:
        address_request_confirmation(email=comment.author_email)
    if comment.status == Comment.Status.PENDING:
        recipients = _moderator_emails()
        if recipients:
            admin_url = _absolute(reverse("admin:comments_comment_change", args=[comment.pk]))
            messages.append(
                dict(
                    subject=f"Comment held for moderation on “{post.title}”",
                    body=(
                        f"{comment.display_name} wrote:\n\n{comment.body}\n\n"
                        f"Held because: {reason or 'moderation rules'}.\nModerate it: {admin_url}\n"
                    ),
                    to=recipients,
                )
            )
    elif comment.status == Comment.Status.PUBLISHED:
        link = _absolute(comment.get_absolute_url())
        author_user = post.author.user
        if (
            author_user
            and author_user.email
            and author_user.email.lower() != comment.author_email.lower()
        ):
            messages.append(
                dict(
                    subject=f"New comment on “{post.title}”",
                    body=f"{comment.display_name} wrote:\n\n{comment.body}\n\nRead it: {link}\n",
                    to=[author_user.email],
                )
            )
        parent = comment.parent
        if (
            parent is not None
            and parent.notify_replies
            and parent.author_email
            and parent.author_email.lower() != comment.author_email.lower()
            and is_confirmed(parent.author_email)
        ):
            unsubscribe = _absolute(
                reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(parent)})
            )
            messages.append(
                dict(
                    subject=f"A reply to your comment on “{post.title}”",
                    body=(
                        f"{comment.display_name} replied to your comment:\n\n{comment.body}\n\n"
                        f"Read it: {link}\n\nStop these emails for this post: {unsubscribe}\n"
                    ),
                    to=[parent.author_email],
                    headers={
                        "List-Unsubscribe": f"<{unsubscribe}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    },
                )
            )
    for message in messages:
        message_enqueue(**message)
    return messages
