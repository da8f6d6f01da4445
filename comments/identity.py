"""How an unnamed commenter is shown: a stable label per thread, never a guess.

A reader who leaves the name blank is shown as "Anonymous" plus a short code, a keyed
hash (HMAC with the site's secret key) of the post and what identifies them: their email
if they gave one, else their client address. So one person's comments in a thread share
a label, other people's differ, the same person gets another label on another post, and
the code reveals nothing of the email or address. A comment with neither (imported ones)
stays plain "Anonymous": two of those are never presented as the same person.
"""

from django.utils.crypto import salted_hmac

ANONYMOUS = "Anonymous"
# Crockford's base 32 without look-alikes; 6 of them is 30 bits, so two people of a
# thread share a label only once in about a billion pairs.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 6


def badge_for(user, post) -> str:
    """Return the badge a comment by `user` on `post` carries ("" for none).

    Only a signed-in account counts, never a typed name: the post's author's own account
    gets "author", other staff "team".
    """
    if user is None or not user.is_authenticated:
        return ""
    if post.author.user_id is not None and post.author.user_id == user.pk:
        return "author"
    return "team" if user.is_staff else ""


def anonymous_label(post_id: int | None, email: str, ip_address: str | None) -> str:
    """Return the label of an unnamed commenter on the post with `post_id`."""
    identity = email.strip().lower() or (ip_address or "")
    if not identity:
        return ANONYMOUS
    digest = salted_hmac(
        "comments.anonymous-label", f"{post_id}\n{identity}", algorithm="sha256"
    ).digest()
    number = int.from_bytes(digest[:8])
    code = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(_CODE_LENGTH))
    return f"{ANONYMOUS} {code}"
