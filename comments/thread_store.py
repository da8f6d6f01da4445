"""What the post page reads of each comment, stored with it and kept current by every write:
its `position` among the comments readers see in its thread (a top-level comment and its
replies, in tree order), its `reply_count`, on a top-level comment `thread_shown` (how
many its thread shows), and its `markup` (comments.markup). A comment page is then read
by tree order and stored positions (`comments.thread_page.read_thread_page`) and assembled
from stored markup.

Positions count within a thread, not the whole post, so a new reply moves only the
comments after it in its own thread (rows the tree manager rewrites anyway), never the
rest of the post: an insert costs the same at 1,000 comments and at 10,000.

- A **new comment** takes a short path: its place (the position after the last shown
  comment before it in its thread), the positions after it in its thread moved up by
  one, its ancestors' reply counts and its thread's size, its markup, its name among the
  post's commenters' names (`CommenterName`). A few small queries, none reading more than
  its own thread, the post's commenters' names and the comments of the names it
  mentions; the same number of queries at 10 comments and at 10,000.
- **Any other write** (an edit, moderation, a delete, a move, bulk inserts) refreshes its
  post's thread: one read of its rows, the page's own rules (`build_thread` for what is
  shown and where, `resolve_mentions` for the names that link), an update of the rows
  whose stored values differ, and the names it newly shows added to the post's names.

The receivers below run both in the writer's transaction (Comment's save and delete
signals, and `comments_changed` for writes that send none), so a reader never sees a
comment without its place, whoever wrote it: services, the admin, importers, the shell.
Writes of many comments may group their refreshes with `refreshes_grouped()`.
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Case, F, Max, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import StrIndex
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comments.markup import MarkupRenderer
from comments.mentions import mentions_in, resolve_mentions
from comments.models import Comment, CommenterName
from comments.signals import comments_changed
from comments.thread import build_thread
from comments.visibility import READ

# What a refresh reads of every comment of a thread: what the markup shows, and the
# stored values it compares against.
_FIELDS = (
    "pk",
    "parent_id",
    "status",
    "author_name",
    "body",
    "body_html",
    "created_at",
    "post_id",
    "author_email",
    "ip_address",
    "badge",
    "position",
    "reply_count",
    "thread_shown",
    "markup",
)
STORED = ("position", "reply_count", "thread_shown", "markup")


@dataclass(slots=True)
class _Row:
    pk: int
    parent_id: int | None
    status: str
    author_name: str
    body: str
    body_html: str
    created_at: object
    post_id: int
    author_email: str
    ip_address: str | None
    badge: str
    position: int | None
    reply_count: int
    thread_shown: int
    markup: str

    display_name = Comment.display_name
    anchor = Comment.anchor


def rows_of(queryset) -> list[_Row]:
    """Return the rows a refresh reads, in tree order (any Comment queryset, historical
    models too)."""
    return [_Row(*values) for values in queryset.order_by("tree_id", "lft").values_list(*_FIELDS)]


def expected_values(rows: list) -> dict[int, tuple[int | None, int, int, str]]:
    """Return what should be stored for each of one post's comments (in tree order):
    (position, reply_count, thread_shown, markup). Runs no query."""
    thread = build_thread(rows)
    mentions = resolve_mentions(node.comment for node in thread if not node.removed)
    by_pk = {row.pk: row for row in rows}
    renderer = MarkupRenderer()
    wanted = dict.fromkeys(by_pk, (None, 0, 0, ""))
    # A shown comment's ancestors are shown, so each thread's shown comments follow its
    # top-level comment, which opens the run (depth 0).
    root, root_index, sizes = None, 0, {}
    for node in thread:
        if node.depth == 0:
            root, root_index = node.comment.pk, node.index
        sizes[root] = node.index - root_index + 1
    for node in thread:
        row = node.comment
        markup = ""
        if not node.removed:
            parent = by_pk.get(row.parent_id)
            markup = renderer.render(row, parent=parent, mentions=mentions.get(row.pk))
        if node.depth == 0:
            root_index = node.index
        wanted[row.pk] = (node.index - root_index, node.reply_count, sizes.get(row.pk, 0), markup)
    return wanted


def thread_refresh(post_ids: Iterable[int]) -> int:
    """Bring the stored values of these posts' comments, and their commenters' names, up to
    date; return how many rows changed (names added included). One read per post; runs in
    the caller's transaction."""
    post_ids, changed = set(post_ids), []
    if not post_ids:
        return 0
    for post_id in post_ids:
        rows = rows_of(Comment.objects.filter(post_id=post_id))
        wanted = expected_values(rows)
        for row in rows:
            if (row.position, row.reply_count, row.thread_shown, row.markup) != wanted[row.pk]:
                changed.append((*wanted[row.pk], row.pk))
    _write_stored(changed)
    return len(changed) + names_record(Comment.objects.filter(post_id__in=post_ids))


def _write_stored(rows: list[tuple]) -> None:
    """Write the stored values of these comments, each row the STORED values and the
    comment's id: one UPDATE statement run per row (bulk_update builds a CASE over every
    row, some 30 s for 10,000 comments). Only these columns: no tree field is written, so
    mptt has nothing to keep."""
    if not rows:
        return
    connection = connections[router.db_for_write(Comment)]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(Comment._meta.get_field(name).column)} = %s" for name in STORED)
    sql = f"UPDATE {quote(Comment._meta.db_table)} SET {columns} WHERE {quote('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def commenter_names(queryset):
    """Return the (post id, name) pairs of `queryset` that new comments may mention: the
    names of published comments readers see (those with a place). Any Comment queryset,
    historical models too."""
    return (
        queryset.filter(position__isnull=False, status=READ)
        .exclude(author_name="")
        .order_by()
        .values_list("post_id", "author_name")
        .distinct()
    )


def names_record(queryset, *, model=CommenterName) -> int:
    """Add the names of `queryset` new comments may mention to their posts' names
    (`CommenterName`, or the historical `model`); return how many were missing."""
    pairs = set(commenter_names(queryset))
    if not pairs:
        return 0
    known = model.objects.filter(post_id__in={post_id for post_id, _ in pairs})
    missing = pairs - set(known.values_list("post_id", "name"))
    names = [model(post_id=post_id, name=name) for post_id, name in sorted(missing)]
    model.objects.bulk_create(names, batch_size=500, ignore_conflicts=True)
    return len(missing)


def comment_added(comment: Comment) -> None:
    """Give a comment just inserted (by the tree manager) its place, its markup, its
    ancestors their counts and its thread its size; refresh the post's thread instead
    where the short path does not hold (a reply under a comment readers do not see)."""
    if comment.status != READ:
        return  # held, spam or a removed one without replies: readers see none of it
    tree = Comment.objects.filter(tree_id=comment.tree_id)
    position, parent = 0, None
    if comment.parent_id is not None:
        found = tree.filter(lft__lt=comment.lft).aggregate(
            last=Max("position"), parent=Max("position", filter=Q(pk=comment.parent_id))
        )
        if found["parent"] is None:  # the parent is not shown: more changes than this
            thread_refresh([comment.post_id])
            return
        position = found["last"] + 1
    mentions = _mentions_of(comment)
    if comment.parent_id is not None:
        tree.filter(position__gte=position).exclude(pk=comment.pk).update(
            position=F("position") + 1
        )
        # Its ancestors count it; the top one, its thread's size, counts it too.
        tree.filter(lft__lt=comment.lft, rght__gt=comment.rght).update(
            reply_count=F("reply_count") + 1,
            thread_shown=F("thread_shown") + Case(When(parent=None, then=1), default=0),
        )
        # The parent as the writer read it, under its tree's lock (comment_create).
        cached = Comment.parent.is_cached(comment)
        parent = comment.parent if cached else Comment.objects.get(pk=comment.parent_id)
    markup = MarkupRenderer().render(comment, parent=parent, mentions=mentions)
    shown = 1 if comment.parent_id is None else 0
    tree.filter(pk=comment.pk).update(position=position, markup=markup, thread_shown=shown)
    comment.position, comment.markup, comment.thread_shown = position, markup, shown
    if comment.author_name:  # shown and published: a name later comments may mention
        name = CommenterName(post_id=comment.post_id, name=comment.author_name)
        CommenterName.objects.bulk_create([name], ignore_conflicts=True)


def _mentions_of(comment: Comment) -> dict[str, int]:
    """Return the names a new comment's text links (comments.mentions): its thread's
    earlier commenters whose names the text contains, each to their latest comment.

    One statement that reads no more at 10,000 comments than at 100: the post's
    commenters' names (`CommenterName`) the text contains, and for each of them its
    latest comment readers see (by the index on post, name and id), never other comments.
    """
    latest = (
        Comment.objects.filter(post_id=OuterRef("post_id"), author_name=OuterRef("name"))
        .filter(position__isnull=False, status=READ)
        .exclude(pk=comment.pk)
        .order_by("-pk")
        .values("pk")[:1]
    )
    named = (
        CommenterName.objects.filter(post_id=comment.post_id)
        # INSTR / STRPOS: one plain search per name, where LIKE would escape each name.
        .alias(at=StrIndex(Value(comment.body, output_field=TextField()), F("name")))
        .filter(at__gt=0)
        .annotate(last=Subquery(latest))
        .values_list("name", "last")
    )
    return mentions_in(comment, {name: pk for name, pk in named if pk is not None})


# Grouping: many writes, one refresh per post at the end.
_grouped = threading.local()


@contextmanager
def refreshes_grouped():
    """Refresh each post touched inside the block once, at its end (still in the caller's
    transaction); for writes of many comments, such as an import or a subtree delete."""
    outer = getattr(_grouped, "posts", None)
    if outer is not None:
        yield
        return
    _grouped.posts = set()
    try:
        yield
        posts = _grouped.posts
    finally:
        _grouped.posts = None
    thread_refresh(posts)


def _refresh(post_ids: Iterable[int]) -> None:
    pending = getattr(_grouped, "posts", None)
    if pending is not None:
        pending.update(post_ids)
    else:
        thread_refresh(post_ids)


@receiver(post_save, sender=Comment, dispatch_uid="comments.thread_store.saved")
def _comment_saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # loaddata: the fixture holds the stored values already, not the names
        names_record(Comment.objects.filter(pk=instance.pk))
        return
    if not sender._mptt_updates_enabled:
        return  # tree fields are in flux; the rebuild that ends it announces the change
    if created and getattr(_grouped, "posts", None) is None:
        comment_added(instance)
    else:
        _refresh([instance.post_id])


@receiver(post_delete, sender=Comment, dispatch_uid="comments.thread_store.deleted")
def _comment_deleted(sender, instance, origin=None, **kwargs):
    if getattr(origin, "model", type(origin)) is not Comment:
        return  # deleted with its post (a post, or posts): no thread left to show
    if sender._mptt_updates_enabled:
        _refresh([instance.post_id])


@receiver(comments_changed, dispatch_uid="comments.thread_store.changed")
def _comments_changed(sender, post_ids, **kwargs):
    _refresh(post_ids)
