"""Write what a platform parser read: one transaction per post, keyed by platform ids.

A post is found by its platform id (`Post.source_ref`, "wp:4"), its comments by theirs
(`Comment.source_ref`, "wp:17"), so importing the same export twice changes nothing and a
newer export updates in place. Each post is written with its whole thread in one
transaction: an import stopped half-way leaves whole posts with whole threads.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from authors.models import Author
from blog.caching import changes_grouped, posts_changed
from blog.models import Hashtag, Post, PostHashtag, Series, hashtag_slug
from blog.platforms import source as s
from blog.platforms.report import CREATED, SKIPPED, UNCHANGED, UPDATED, ImportReport
from blog.platforms.source import SkippedItem, SourceAttachment, SourceAuthor, SourcePost
from blog.platforms.threads import comment_values, plan_thread, thread_insert, thread_sync, walk
from blog.revisions import ORIGIN_IMPORT, record_post_revision, unrecorded_stored_version
from comments.models import Comment

PINGBACKS_SKIP, PINGBACKS_HOLD = "skip", "hold"
POST_FIELDS = ("title", "slug", "series", "teaser", "body", "body_format", "author")
POST_FIELDS += ("published_at", "status")


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    as_draft: bool = False  # every post arrives as a draft
    since: datetime.datetime | None = None  # only posts written, edited or commented since
    pingbacks: str = PINGBACKS_SKIP  # or PINGBACKS_HOLD: kept, held for moderation
    user: AbstractBaseUser | None = None  # who imports: the posts' new versions name them


def import_items(
    items: Iterable,
    *,
    options: ImportOptions,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import everything a parser yields; return the report.

    Malformed input raises ImportFormatError (naming the line) from the parser; the posts
    written before it stay, each whole.
    """
    report = ImportReport(dry_run=options.dry_run)
    authors: dict[str, SourceAuthor] = {}
    for item in items:
        if isinstance(item, SourceAuthor):
            authors[item.login] = item
        elif isinstance(item, SourceAttachment):
            report.attachments.append(item)
        elif isinstance(item, SkippedItem):
            report.skip(item.line, f"{item.source_id} “{item.title}”", item.reason)
        else:
            import_post(item, authors=authors, options=options, report=report)
            if progress:
                progress(report)
    return report


def import_post(
    source: SourcePost,
    *,
    authors: dict[str, SourceAuthor],
    options: ImportOptions,
    report: ImportReport,
) -> str:
    """Create, update or skip one post with its thread, in one transaction; return which."""
    what = f"{source.source_id} “{source.title}”"
    if options.since and not _touched_since(source, options.since):
        report.posts[SKIPPED] += 1
        report.skip(source.line, what, f"not changed since {options.since:%Y-%m-%d}")
        return SKIPPED
    try:
        with transaction.atomic(), changes_grouped():  # one version bump per post
            post_id, action = _write_post(source, authors=authors, options=options, report=report)
            if options.dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        report.posts[SKIPPED] += 1
        details = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        report.skip(source.line, what, f"not valid: {details}")
        return SKIPPED
    report.posts[action] += 1
    if action in (CREATED, UPDATED) and not options.dry_run:
        report.written.append((post_id, action))
    for note in source.notes:
        report.note(source.line, what, note)
    return action


def _touched_since(source: SourcePost, since: datetime.datetime) -> bool:
    dates = [source.published_at, source.modified_at]
    dates += [c.created_at for c in source.comments if c.created_at]
    return max(dates) >= since


def _write_post(source: SourcePost, *, authors, options: ImportOptions, report) -> tuple[int, str]:
    what = f"{source.source_id} “{source.title}”"
    series, hashtags = _taxonomy(source)
    status = Post.Status.DRAFT if options.as_draft else source.status
    post = Post.objects.select_for_update().filter(source_ref=source.source_id).first()
    wanted = {
        "title": source.title,
        "slug": _free_slug(source.slug, post),
        "series": series,
        "teaser": source.teaser,
        "body": source.body_html,
        "body_format": Post.BodyFormat.HTML,
        "author": _author(source.author_login, authors, report),
        "published_at": source.published_at,
        "status": status,
    }
    before = unrecorded_stored_version(post.pk) if post is not None else None
    if post is None:
        post = Post(source_ref=source.source_id, **wanted)
        post.full_clean(validate_unique=False, validate_constraints=False)
        post.save()
        action = CREATED
    else:
        changed = [name for name in POST_FIELDS if getattr(post, name) != wanted[name]]
        for name in changed:
            setattr(post, name, wanted[name])
        if changed:
            post.full_clean(validate_unique=False, validate_constraints=False)
            post.save()
        action = UPDATED if changed else UNCHANGED
    if wanted["slug"] != source.slug:
        report.note(source.line, what, f"slug {source.slug!r} is taken: {wanted['slug']!r}")
    tags_changed = _set_hashtags(post, hashtags)
    added, updated = _write_thread(post, source, options, report, what)
    if action == UNCHANGED and (tags_changed or added or updated):
        action = UPDATED
    if action != UNCHANGED:
        record_post_revision(post, user=options.user, origin=ORIGIN_IMPORT, before=before)
        posts_changed([post.pk])  # bulk writes send no signals
    return post.pk, action


def _write_thread(post: Post, source: SourcePost, options, report, what) -> tuple[int, int]:
    keep = [c for c in source.comments if c.kind == s.COMMENT]
    for comment in source.comments:
        if comment.kind == s.COMMENT:
            continue
        if options.pingbacks == PINGBACKS_HOLD:
            keep.append(comment)
        else:
            report.skip(comment.line, f"{what}, {comment.kind} {comment.source_id}",
                        f"a {comment.kind} (--pingbacks hold keeps them)")  # fmt: skip
    roots = plan_thread(keep, report, what)
    values = {}
    for node in walk(roots):
        comment = node.source
        # Pingbacks and trackbacks are kept apart from the discussion: held, never shown.
        status = comment.status if comment.kind == s.COMMENT else Comment.Status.PENDING
        values[comment.source_id] = comment_values(comment, status, report, what)
        report.comments[status] += 1
    if Comment.objects.filter(post=post).exclude(source_ref="").exists():
        added, updated = thread_sync(post=post, roots=roots, values=values)
    else:
        added, updated = thread_insert(post=post, roots=roots, values=values), 0
    report.comments_created += added
    report.comments_updated += updated
    return added, updated


def _author(login: str, authors: dict[str, SourceAuthor], report: ImportReport) -> Author:
    """Return the author with the login's slug, creating them with the display name."""
    known = authors.get(login) or SourceAuthor(login=login or "unknown", display_name=login)
    slug = slugify(known.login) or "unknown"
    author, created = Author.objects.get_or_create(
        slug=slug, defaults={"name": known.display_name[:120] or slug}
    )
    if created:
        report.authors_created.add(f"{author.name} ({slug})")
    return author


def _taxonomy(source: SourcePost) -> tuple[Series | None, list[str]]:
    """Return the series a category names (if the site has it) and the hashtag names."""
    series = None
    names: list[str] = []
    for category in source.categories:
        if series is None:
            series = Series.objects.filter(name__iexact=category).first()
            if series is not None:
                continue
        names.append(category)
    names.extend(source.tags)
    unique: dict[str, str] = {}
    for name in names:
        key = hashtag_slug(name)
        if key and key not in unique:
            unique[key] = name.lstrip("#")[:100]
    return series, list(unique.values())


def _set_hashtags(post: Post, names: list[str]) -> bool:
    """Give the post these hashtags in this order; return True if they changed."""
    slugs = [hashtag_slug(name) for name in names]
    current = list(post.post_hashtags.order_by("position").values_list("hashtag__slug", flat=True))
    if current == slugs:
        return False
    existing = {tag.slug: tag for tag in Hashtag.objects.filter(slug__in=slugs)}
    for name, slug in zip(names, slugs, strict=True):
        if slug not in existing:
            existing[slug] = Hashtag.objects.create(name=name)
    PostHashtag.objects.filter(post=post).delete()
    PostHashtag.objects.bulk_create(
        PostHashtag(post=post, hashtag=existing[slug], position=i) for i, slug in enumerate(slugs)
    )
    return True


def _free_slug(slug: str, post: Post | None) -> str:
    """Return the slug, or slug-2, slug-3... if another post has it."""
    taken = set(
        Post.objects.filter(slug__startswith=slug)
        .exclude(pk=post.pk if post else None)
        .values_list("slug", flat=True)
    )
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug[: 200 - len(str(number)) - 1]}-{number}"
    return candidate
