"""Version tokens: what makes cached entries stale, and the keys that hold them.

Every token is derived from counters in the database (`blog.models.SiteVersion`,
`PostVersion`), which a change adds one to in its own transaction:

- a **post version** per post (`blog:post:<pk>`): its counter, bumped whenever anything
  shown on that post's page changes, with the comment trees each change touched
  (`threads`: comment pages before a changed tree stay cached, `post_page`);
- a **site posts version** (`blog:site-posts`): the site counter (posts, and what posts
  share: authors, series, hashtags, papers, pages) and the newest post already due, so it
  changes by itself when a scheduled post goes live. The parts of a post page that show
  other posts (the sidebar's recent posts, previous and next, related posts) change with
  it; a comment elsewhere does not (only the sidebar's recent comments, which may lag);
- a **site version** (`blog:site`): the same and every post's version, so any comment;
- a slug's post id (`blog:post-slug:<slug>`), so a post page can find its versions
  before it reads anything from the database;
- a slug's post id with its post version (`blog:post-versions:<slug>`), which the post
  page reads in the same round trip as the site versions and its stored copy
  (`post_page`); retired with the post version, and with the site posts version checked
  beside it (a post deleted, unpublished or renamed bumps that).

The cache keeps a token it read from the database for BLOG_CACHE_VERSION_SECONDS at most
(and the site's no later than the next scheduled post is due), then reads it again with
one query. That is the bound on stale pages when the cache loses writes: restored from a
snapshot, or a lagging replica promoted, it may bring back old tokens with the pages
stored under them, but those tokens are read again from the database within that many
seconds, the database gives the new ones, and nothing stored under the old is served.

A change never edits cached content: it bumps the counters and deletes the cached
tokens, at once and again after the transaction commits; a reader that read the old rows
in between may have cached them under the old token, which the second deletion retires.
Readers read tokens before the rows they render, never after.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import DateTimeField, F, Func, Subquery
from django.utils import timezone

from blog.models import SITE_VERSION_ROW, Post, PostVersion, SiteVersion

SITE_KEY = "blog:site"
SITE_POSTS_KEY = "blog:site-posts"
SITE_KEYS = (SITE_POSTS_KEY, SITE_KEY)

# A change that may show on every comment page of its post (tree ids start at 1).
ALL_TREES = 0
# How many trees a post version tells apart; past this the newest two are merged (their
# changes counted from the earlier tree), which retires a few more comment pages.
MAX_THREAD_MARKS = 16


def post_key(pk: int) -> str:
    return f"blog:post:{pk}"


def slug_key(slug: str) -> str:
    return f"blog:post-slug:{slug}"


def versions_key(slug: str) -> str:
    return f"blog:post-versions:{slug}"


@dataclass(frozen=True)
class Version:
    """A version token and when its content last changed (Unix time): Last-Modified.

    A post version also has its counter and its `threads` marks, ((tree_id, counter),
    ...) in tree order: the last change of a comment in that tree or a later one.
    """

    token: str
    modified: float
    counter: int = 0
    threads: tuple[tuple[int, int], ...] = ()

    def unchanged_up_to(self, tree_id: int | None, since: int) -> bool:
        """Return True if no comment in trees up to `tree_id` (None: any tree) changed
        after counter `since`: a comment page ending in that tree still shows the same."""
        return all(
            counter <= since for tree, counter in self.threads if tree_id is None or tree <= tree_id
        )


def _stamp(moment) -> int:
    return int(moment.timestamp() * 1_000_000) if moment else 0


def _cached(key: str) -> Version | None:
    return version_in(cache.get(key))


def version_in(entry) -> Version | None:
    """Return the version in a cached entry, unless it is due to be read again."""
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Version):
        return entry[1] if time.time() < entry[0] else None
    return None


def _keep(key: str, version: Version, seconds: float) -> None:
    cache.set(key, (time.time() + seconds, version), max(1, int(seconds) + 1))


# Reading the counters


def _post_version(row) -> Version:
    counter, changed_at, threads = row
    if counter is None:  # no row yet (a post made by a bulk insert): unchanged since
        return Version("0", 0.0)
    return Version(
        f"{counter}.{_stamp(changed_at)}",
        changed_at.timestamp(),
        counter,
        tuple((tree, mark) for tree, mark in threads or ()),
    )


_POST_FIELDS = ("cache_version__counter", "cache_version__changed_at", "cache_version__threads")


def _read_published_post(**lookup) -> tuple[int, Version] | None:
    """Return the id and version of the published post matching `lookup` (one query)."""
    row = Post.objects.published().filter(**lookup).values_list("pk", *_POST_FIELDS).first()
    if row is None:
        return None
    return row[0], _post_version(row[1:])


def post_version(pk: int) -> Version:
    """Return the post's current version: from the cache, else one query."""
    version = _cached(post_key(pk))
    if version is None:
        row = PostVersion.objects.filter(post_id=pk).values_list("counter", "changed_at", "threads")
        version = _post_version(row.first() or (None, None, None))
        _keep(post_key(pk), version, settings.BLOG_CACHE_VERSION_SECONDS)
    return version


def post_pk_for_slug(slug: str) -> int | None:
    """Return the id of the published post with this slug: from the cache, else one query
    (which reads its version too).

    Never a draft's or a scheduled post's: their addresses get no versions, hence no
    validators, so a conditional GET (an If-Modified-Since in the future, say) cannot
    tell a hidden post's slug from an unknown one by a 304.
    """
    pk = cache.get(slug_key(slug))
    if pk is None:
        found = _read_published_post(slug=slug)
        if found is None:
            return None
        pk, version = found
        _remember_slug(slug, pk, version)
    return pk


def _remember_slug(slug: str, pk: int, version: Version) -> None:
    cache.set(slug_key(slug), pk, settings.BLOG_CACHE_SECONDS)
    _keep(post_key(pk), version, settings.BLOG_CACHE_VERSION_SECONDS)


def _remember_versions(slug: str, pk: int, version: Version, site_posts: Version) -> None:
    """Cache the slug's post id with its version (`versions_key`) for
    BLOG_CACHE_VERSION_SECONDS, under the site posts version it was read with."""
    seconds = settings.BLOG_CACHE_VERSION_SECONDS
    entry = (time.time() + seconds, pk, version, site_posts.token)
    cache.set(versions_key(slug), entry, max(1, int(seconds) + 1))
    _keep(post_key(pk), version, seconds)  # for pages built per request


def _slug_entry(entry, site_posts: Version) -> tuple[int, Version] | None:
    """Return the post id and version of a cached `versions_key` entry, unless it is due
    to be read again or was read under another site posts version (which covers what
    retires a slug without a comment: a post unpublished, deleted or renamed; the post
    version's bumps delete the entry)."""
    if (
        isinstance(entry, tuple)
        and len(entry) == 4
        and entry[3] == site_posts.token
        and time.time() < entry[0]
    ):
        return entry[1], entry[2]
    return None


def _read_site() -> tuple[Version, Version]:
    """Read the site posts version and the site version (one query), and cache both
    until they are due to be read again."""
    row = _site_values()
    if row is None:  # the row went (a flushed database): make it
        SiteVersion.objects.get_or_create(pk=SITE_VERSION_ROW)
        row = _site_values()
    return _keep_site(*row)


def _keep_site(
    counter, changed_at, newest_due, next_due, posts_total, posts_changed
) -> tuple[Version, Version]:
    """Make the site posts version and the site version from the site row's values, and
    cache both until they are due to be read again."""
    site_posts = Version(
        f"{counter}.{_stamp(changed_at)}.{_stamp(newest_due)}",
        max(changed_at.timestamp(), newest_due.timestamp() if newest_due else 0),
    )
    site = Version(
        f"{site_posts.token}.{posts_total or 0}.{_stamp(posts_changed)}",
        max(site_posts.modified, posts_changed.timestamp() if posts_changed else 0),
    )
    seconds = settings.BLOG_CACHE_VERSION_SECONDS
    if next_due is not None:  # re-read when it goes live: the newest post due changes
        seconds = max(0.5, min(seconds, next_due.timestamp() - time.time()))
    _keep(SITE_POSTS_KEY, site_posts, seconds)
    _keep(SITE_KEY, site, seconds)
    return site_posts, site


_SITE_FIELDS = ("newest_due", "next_due", "posts_total", "posts_changed")


def _site_subqueries() -> dict:
    """What the site versions read beside the site row's counter, as subqueries."""
    versions = PostVersion.objects.order_by()
    return {
        "newest_due": Subquery(
            Post.objects.published().order_by("-published_at").values("published_at")[:1]
        ),
        "next_due": Subquery(Post.objects.scheduled().values("published_at")[:1]),
        "posts_total": Subquery(versions.annotate(v=Func("counter", function="SUM")).values("v")),
        "posts_changed": Subquery(
            versions.annotate(
                v=Func("changed_at", function="MAX", output_field=DateTimeField())
            ).values("v"),
            output_field=DateTimeField(),
        ),
    }


def _site_values():
    return (
        SiteVersion.objects.filter(pk=SITE_VERSION_ROW)
        .annotate(**_site_subqueries())
        .values_list("counter", "changed_at", *_SITE_FIELDS)
        .first()
    )


def _read_slug_and_site(slug: str) -> tuple[int, Version, Version, Version] | None:
    """Return the id and version of the published post with this slug and the site
    versions, read in one query (all of them cached), or None if there is no such post."""
    site_row = SiteVersion.objects.filter(pk=SITE_VERSION_ROW)
    row = (
        Post.objects.published()
        .filter(slug=slug)
        .annotate(
            site_counter=Subquery(site_row.values("counter")),
            site_changed_at=Subquery(site_row.values("changed_at")),
            **_site_subqueries(),
        )
        .values_list("pk", *_POST_FIELDS, "site_counter", "site_changed_at", *_SITE_FIELDS)
        .first()
    )
    if row is None:
        return None
    pk, version = row[0], _post_version(row[1:4])
    if row[4] is None:  # no site row (a flushed database): made and read on its own
        site_posts, site = _read_site()
    else:
        site_posts, site = _keep_site(*row[4:])
    _remember_versions(slug, pk, version, site_posts)
    return pk, version, site_posts, site


def page_versions(slug: str, found: dict) -> tuple[int, Version, Version, Version | None] | None:
    """Return what a post page reads first: the id and version of the published post with
    this slug, the site posts version and the site version (None if a comment somewhere
    just retired it: the caller can do without it),
    from `found` (a `cache.get_many` answer holding `versions_key(slug)` and SITE_KEYS
    where the cache has them). None: no such post.

    What the cache lacks is read in one query at most: the post with its version and the
    site versions together when the site posts version is missing.
    """
    site_posts = version_in(found.get(SITE_POSTS_KEY))
    if site_posts is None:
        return _read_slug_and_site(slug)
    post = _slug_entry(found.get(versions_key(slug)), site_posts)
    if post is None:
        post = _read_published_post(slug=slug)
        if post is None:
            return None
        _remember_versions(slug, *post, site_posts)
    return *post, site_posts, version_in(found.get(SITE_KEY))


def site_version() -> Version:
    """Return the site's current version: from the cache, else one query."""
    return _cached(SITE_KEY) or _read_site()[1]


def site_posts_version() -> Version:
    """Return the site posts version: from the cache, else one query."""
    return _cached(SITE_POSTS_KEY) or _read_site()[0]


# Changing them


def posts_changed(post_ids: Iterable[int]) -> None:
    """Bump the site counter and these posts' counters (all their comment pages), and
    retire their cached versions and both site versions, now and when the transaction
    commits (see the module docstring for why twice)."""
    ids = sorted(set(post_ids))
    now = timezone.now()
    _bump(SiteVersion, "pk", [SITE_VERSION_ROW], now)
    slugs = _bump_posts(ids, now, ALL_TREES)
    _retire([post_key(pk) for pk in ids] + [versions_key(slug) for slug in slugs] + list(SITE_KEYS))


def comments_changed(post_ids: Iterable[int], *, from_tree: int = ALL_TREES) -> None:
    """Bump the counters of the posts whose comments changed, and retire their cached
    versions and the site version, not the site posts version: other posts' pages stay
    cached (only their sidebar lists the comment, `post_page`).

    `from_tree`: the change shows only on comment pages from that comment tree on (a new
    comment: its own tree, whose replies' counts and placeholders it may change, and
    every later position, which it shifts). By default every comment page is retired.
    """
    ids = sorted(set(post_ids))
    slugs = _bump_posts(ids, timezone.now(), from_tree)
    _retire([post_key(pk) for pk in ids] + [versions_key(slug) for slug in slugs] + [SITE_KEY])


def _bump(model, field: str, keys: list[int], now) -> None:
    """Add one to the counters of these rows, making those missing (in this transaction:
    the rows stay locked until it ends, so concurrent changes are counted in turn)."""
    rows = model.objects.filter(**{f"{field}__in": keys})
    if rows.update(counter=F("counter") + 1, changed_at=now) < len(keys):
        missing = set(keys) - set(rows.values_list(field, flat=True))
        new = [model(**{field: key, "counter": 0, "changed_at": now}) for key in missing]
        model.objects.bulk_create(new, ignore_conflicts=True)  # made meanwhile: counted next
        rows.filter(**{f"{field}__in": missing}).update(counter=F("counter") + 1, changed_at=now)


def _bump_posts(ids: list[int], now, from_tree: int) -> list[str]:
    """Bump these posts' counters and mark the tree changed (`marked`); return their
    slugs (read with the counters: no query more)."""
    if not ids:
        return []
    _bump(PostVersion, "post_id", ids, now)
    rows = PostVersion.objects.filter(post_id__in=ids)
    slugs = []
    for pk, slug, counter, threads in rows.values_list(
        "post_id", "post__slug", "counter", "threads"
    ):
        rows.filter(post_id=pk).update(threads=marked(threads, from_tree, counter))
        slugs.append(slug)
    return slugs


def marked(threads: list, tree_id: int, counter: int) -> list[list[int]]:
    """Return a post's tree marks after change `counter` in tree `tree_id`.

    Marks at that tree or later are dropped (the new one covers every page they did);
    past MAX_THREAD_MARKS the newest two merge into one from the earlier tree.
    """
    marks = [[tree, mark] for tree, mark in threads if tree < tree_id]
    marks.append([tree_id, counter])
    if len(marks) > MAX_THREAD_MARKS:
        marks[-2:] = [[marks[-2][0], counter]]
    return marks


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
