"""A held comment shown to the reader who wrote it, and to no one else.

A comment held for moderation (pending, or spam, which looks the same to its writer) is
invisible to readers. Its writer is sent back to the post page with a signed cookie
naming it, and that page shows them their own text, marked as awaiting moderation, where
they land (`#held-comment`). The cookie makes the page personal, so no cache keeps it.
"""

from django.conf import settings
from django.core import signing

from comments.models import Comment
from comments.visibility import HIDING

HELD_COOKIE = "held_comment"
HELD_ANCHOR = "held-comment"
_SALT = "comments.held"
# Long enough to come back to the post later that day; moderation usually comes sooner.
HELD_SECONDS = 24 * 3600


def remember_held(response, comment: Comment) -> None:
    """Let the writer's browser show them their held comment (a signed cookie)."""
    response.set_signed_cookie(
        HELD_COOKIE,
        str(comment.pk),
        salt=_SALT,
        max_age=HELD_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def held_comment(request, post) -> Comment | None:
    """Return the reader's own comment on `post` that is still held, if any.

    Runs one query, only when the reader has the cookie.
    """
    try:
        pk = int(request.get_signed_cookie(HELD_COOKIE, salt=_SALT, max_age=HELD_SECONDS))
    except (KeyError, ValueError, signing.BadSignature):
        return None
    return (
        Comment.objects.filter(pk=pk, post_id=post.pk, status__in=HIDING)
        .select_related("parent")
        .first()
    )
