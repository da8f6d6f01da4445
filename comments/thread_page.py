"""One comment page of a post's thread, read in one statement of its own rows.

A cached post page is assembled from the comments of the page being built. Rather than
read the whole thread and paginate it (`comments.thread.paginate_thread`), the statement
here reads that page's comments, the comments it continues (the first one's ancestors)
and the thread's counts, from the positions and thread sizes stored with each comment
(`comments.thread_store`), and gives the same `ThreadPage`.
"""

import datetime
import math
from dataclasses import replace

from django.core.paginator import EmptyPage
from django.db import connection

from comments.models import Comment
from comments.thread import (
    THREAD_FIELDS,
    ThreadComment,
    ThreadNode,
    ThreadPage,
    page_number,
)
from comments.visibility import READ

# The same columns, as the page's statement names them (ThreadComment's order).
_PAGE_COLUMNS = tuple("id" if name == "pk" else name for name in THREAD_FIELDS)


# One page of a post's thread in one statement (PostgreSQL and SQLite alike). `threads`:
# the post's top-level comments with how many comments each thread shows and how many
# the threads before it show (a running sum); `first`: the page's first comment, whose
# ancestors the page continues. Only threads that reach into the page are joined, so the
# rows read are the page's, its context's, and nothing else.
_PAGE_SQL = """
WITH threads AS (
    SELECT tree_id, thread_shown, reply_count, status,
           SUM(thread_shown) OVER (ORDER BY tree_id) - thread_shown AS before_it
    FROM {table} WHERE post_id = %(post)s AND parent_id IS NULL AND thread_shown > 0
),
totals AS (
    SELECT COALESCE(SUM(thread_shown), 0) AS shown,
           COALESCE(SUM(reply_count + CASE WHEN status = %(published)s THEN 1 ELSE 0 END), 0)
               AS published
    FROM threads
),
near AS (
    SELECT tree_id, before_it FROM threads
    WHERE before_it < %(end)s AND before_it + thread_shown > %(start)s
),
first AS (
    SELECT c.tree_id, c.lft, c.rght FROM {table} c JOIN near ON c.tree_id = near.tree_id
    WHERE near.before_it + c.position = %(start)s
)
SELECT {columns}, near.before_it + c.position AS thread_index, totals.shown, totals.published
FROM totals
LEFT JOIN ({table} c JOIN near ON c.tree_id = near.tree_id) ON c.position IS NOT NULL AND (
    (near.before_it + c.position >= %(start)s AND near.before_it + c.position < %(end)s)
    OR EXISTS (
        SELECT 1 FROM first
        WHERE c.tree_id = first.tree_id AND c.lft < first.lft AND c.rght > first.rght
    )
)
ORDER BY thread_index
"""


def _page_rows(post, start: int, end: int) -> tuple[list[ThreadComment], int, int]:
    """Return the comments with thread indexes in [start, end) and the first one's
    ancestors, in order, each with its `position` made its index in the whole thread;
    and how many comments the thread shows and how many of them are published."""
    sql = _PAGE_SQL.format(
        table=Comment._meta.db_table, columns=", ".join(f"c.{name}" for name in _PAGE_COLUMNS)
    )
    params = {"post": post.pk, "start": start, "end": end, "published": READ}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    shown, published = rows[0][-2:]
    # SQLite hands back its stored UTC datetimes naive (the ORM would convert them);
    # PostgreSQL's are aware already.
    naive = connection.vendor == "sqlite"
    created, position = THREAD_FIELDS.index("created_at"), THREAD_FIELDS.index("position")
    comments = []
    for row in rows:
        if row[0] is None:  # no comment on this page: the totals alone
            continue
        values = list(row[: len(_PAGE_COLUMNS)])
        values[position] = row[-3]  # its index in the whole thread
        if naive and values[created] is not None:
            values[created] = values[created].replace(tzinfo=datetime.UTC)
        comments.append(ThreadComment(*values))
    return comments, shown, published


def read_thread_page(post, number, per_page: int) -> ThreadPage:
    """Return page `number` (1-based) of the post's thread from one query that reads only
    that page's comments, the comments it continues and the thread's counts (stored
    positions and thread sizes, comments.thread_store): the same page as
    `paginate_thread(build_thread(thread_comments(post)), number, per_page)`.

    Raises PageNotAnInteger or EmptyPage as `paginate_thread` does.
    """
    number = page_number(number)
    start = (number - 1) * per_page
    comments, shown_total, published_total = _page_rows(post, start, start + per_page)
    num_pages = max(1, math.ceil(shown_total / per_page))
    if not 1 <= number <= num_pages:
        raise EmptyPage("That page contains no comments")
    positions = {comment.pk: comment.position for comment in comments}
    ancestors = [  # each opens the replies container the page's comments are in
        replace(_node(comment, None, positions), opens_replies=True, closes=0)
        for comment in comments
        if comment.position < start
    ]
    on_page = [comment for comment in comments if comment.position >= start]
    nodes = [
        _node(comment, on_page[i + 1] if i + 1 < len(on_page) else None, positions)
        for i, comment in enumerate(on_page)
    ]
    return ThreadPage(
        nodes=nodes,
        context=ancestors,
        number=number,
        num_pages=num_pages,
        per_page=per_page,
        comment_count=published_total,
        shown_count=shown_total,
        replies_continue=bool(on_page) and on_page[-1].reply_count > 0,
    )


def _node(
    comment: ThreadComment, following: ThreadComment | None, positions: dict[int, int]
) -> ThreadNode:
    """Return a stored comment as a node of a page; `following` is the next comment on the
    page (None for the last, which closes every container open around it). A reply's
    parent is on the page or among the comments it continues: in `positions`."""
    depth = comment.level  # its ancestors are all shown, so its depth is its tree level
    if following is None:
        opens_replies, closes = False, depth
    else:
        opens_replies = following.level > depth
        closes = 0 if opens_replies else depth - following.level
    parent = comment.parent_id
    return ThreadNode(
        comment=comment,
        depth=depth,
        opens_replies=opens_replies,
        closes=closes,
        removed=comment.status == Comment.Status.REMOVED,
        parent_anchor=f"comment-{parent}" if parent is not None else "",
        reply_count=comment.reply_count,
        index=comment.position,
        parent_index=positions.get(parent),
    )
