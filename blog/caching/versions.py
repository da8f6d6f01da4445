"""Version tokens: what makes cached entries stale, and the keys that hold them.

- a **post version** per post (`blog:post:<pk>`): a random token that changes whenever
  anything shown on that post's page changes;
- a **site version** (`blog:site`): changes with any post or comment anywhere, and
  expires by itself when the next scheduled post goes live;
- a **site posts version** (`blog:site-posts`): the same without comments (a comment
  retires its own post's version and the site version, not this one), and expiring in
  the same way. The parts of a post page that show other posts (the sidebar's recent
  posts, previous and next, related posts) change with it; only the sidebar's recent
  comments change with comments elsewhere, and they may lag (`post_page`);
- a slug's post id (`blog:post-slug:<slug>`), so a post page can find its versions
  before it reads anything from the database.

A change never edits cached content: it deletes the token, and the next reader makes a
new one. Tokens are deleted at once and again after the transaction commits; a reader
that read the old rows in between may have cached them under the in-between token, which
the second deletion retires. Readers read tokens before the rows they render, never after.
"""

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from blog.models import Post

SITE_KEY = "blog:site"
SITE_POSTS_KEY = "blog:site-posts"
SITE_KEYS = (SITE_POSTS_KEY, SITE_KEY)


def post_key(pk: int) -> str:
    return f"blog:post:{pk}"


def slug_key(slug: str) -> str:
    return f"blog:post-slug:{slug}"


@dataclass(frozen=True)
class Version:
    """A version token and when it was made (Unix time), which is when its content last
    changed or later: the page's Last-Modified."""

    token: str
    modified: float


def _new_version() -> tuple[str, float]:
    return (uuid.uuid4().hex, time.time())


def _get_or_add(key: str, timeout: Callable[[], float]) -> Version:
    value = cache.get(key)
    if value is None:
        cache.add(key, _new_version(), timeout())
        # Whoever added first wins; a backend that keeps nothing gets a token per request.
        value = cache.get(key) or _new_version()
    return Version(*value)


def post_version(pk: int) -> Version:
    """Return the post's current version, making one if it has none (no query)."""
    return _get_or_add(post_key(pk), lambda: settings.BLOG_CACHE_SECONDS)


def site_version() -> Version:
    """Return the site's current version, making one if it has none.

    A new one lasts at most until the next scheduled post is due (one query to find it).
    """
    return _get_or_add(SITE_KEY, _seconds_until_next_scheduled_post)


def site_posts_version() -> Version:
    """Return the site posts version, making one if it has none (see site_version)."""
    return _get_or_add(SITE_POSTS_KEY, _seconds_until_next_scheduled_post)


def site_versions(found: dict) -> tuple[Version, Version | None]:
    """Return the site posts version and the site version from `found` (a
    `cache.get_many` answer holding SITE_KEYS where the cache has them).

    A missing site posts version is made, and so then is the site version, with one
    query between them (a cold page needs both). A missing site version alone is not
    made (None): a comment just retired it, and the caller can do without it.
    """
    if SITE_POSTS_KEY in found:
        site = Version(*found[SITE_KEY]) if SITE_KEY in found else None
        return Version(*found[SITE_POSTS_KEY]), site
    timeout = _seconds_until_next_scheduled_post()
    site_posts = _get_or_add(SITE_POSTS_KEY, lambda: timeout)
    site = (
        Version(*found[SITE_KEY]) if SITE_KEY in found else _get_or_add(SITE_KEY, lambda: timeout)
    )
    return site_posts, site


def _seconds_until_next_scheduled_post() -> float:

    due = Post.objects.scheduled().values_list("published_at", flat=True).first()
    if due is None:
        return settings.BLOG_CACHE_SECONDS
    return max(1, min(settings.BLOG_CACHE_SECONDS, due.timestamp() - time.time() + 1))


def posts_changed(post_ids: Iterable[int]) -> None:
    """Retire the versions of these posts and both site versions, now and when the
    transaction commits (see the module docstring for why twice)."""
    _retire([post_key(pk) for pk in set(post_ids)] + list(SITE_KEYS))


def comments_changed(post_ids: Iterable[int]) -> None:
    """Retire the versions of the posts whose comments changed and the site version, not
    the site posts version: other posts' pages stay cached (only their sidebar lists the
    comment, `post_page`)."""
    _retire([post_key(pk) for pk in set(post_ids)] + [SITE_KEY])


def _retire(keys: list[str]) -> None:
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def post_saved(post) -> None:
    """Once the transaction commits, note which post the slug belongs to now, if readers
    may see it; forget the slug of a post they may not (a draft, a scheduled post)."""
    slug, pk = post.slug, post.pk
    if post.is_published():
        transaction.on_commit(lambda: cache.set(slug_key(slug), pk, settings.BLOG_CACHE_SECONDS))
    else:
        transaction.on_commit(lambda: cache.delete(slug_key(slug)))


def post_pk_for_slug(slug: str) -> int | None:
    """Return the id of the published post with this slug: from the cache, else one query.

    Never a draft's or a scheduled post's: their addresses get no versions, hence no
    validators, so a conditional GET (an If-Modified-Since in the future, say) cannot
    tell a hidden post's slug from an unknown one by a 304.
    """
    pk = cache.get(slug_key(slug))
    if pk is None:
        pk = Post.objects.published().filter(slug=slug).values_list("pk", flat=True).first()
        if pk is not None:
            cache.set(slug_key(slug), pk, settings.BLOG_CACHE_SECONDS)
    return pk
