"""Emails about comments. Called after the comment's transaction commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse

from comments.models import Comment

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
    return settings.BLOG_BASE_URL + path


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


def notify_about(comment, *, reason: str = "") -> list[EmailMessage]:
    """Send the emails a new comment calls for; return them (for the log and the tests)."""
    post = comment.post
    messages: list[EmailMessage] = []
    if comment.status == Comment.Status.PENDING:
        recipients = _moderator_emails()
        if recipients:
            admin_url = _absolute(reverse("admin:comments_comment_change", args=[comment.pk]))
            messages.append(
                EmailMessage(
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
                EmailMessage(
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
        ):
            unsubscribe = _absolute(
                reverse("comments:unsubscribe", kwargs={"token": unsubscribe_token(parent)})
            )
            messages.append(
                EmailMessage(
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
        message.send()
    return messages
