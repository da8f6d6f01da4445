"""Turn one post's comments into the flat list the post page renders as nested markup.

The page shows replies inside their parent's <article>. Rendering that with recursive
includes (or mptt's `get_cached_trees`, which is quadratic) is slow for long threads, so
the nesting is worked out here, once, in O(n): every node says how deep it is, whether
it opens a replies container, and how many containers to close after it, and carries
what the page says about it (whom it answers, how many replies are under it).
`comments.thread_html` then writes the page's markup in one flat loop.
`comments.thread_page` reads one such page straight from the stored rows.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger

from comments.markup import REMOVED_PARENT_NAME, REMOVED_TEXT, first_words, name_of
from comments.models import Comment
from comments.visibility import shown_ids

__all__ = ["REMOVED_PARENT_NAME", "REMOVED_TEXT"]  # re-exported: where readers meet them


@dataclass(frozen=True, slots=True)
class ThreadComment:
    """The columns of a comment that the post page shows, read without building a model
    instance (for 1,000 comments, instances cost 11 ms, these tuples 3). `markup` is its
    stored markup (comments.markup); `position`, `reply_count` and `level` its stored
    place (comments.thread_store)."""

    pk: int
    parent_id: int | None
    status: str
    author_name: str
    body: str
    created_at: datetime.datetime | None
    post_id: int
    author_email: str
    ip_address: str | None
    badge: str
    markup: str
    position: int | None
    reply_count: int
    level: int
    tree_id: int  # which tree: a cached comment page knows the last one it shows

    display_name = Comment.display_name
    anchor = Comment.anchor


def thread_comments(post) -> list[ThreadComment]:
    """Return the post's comments in tree order, as `build_thread` takes them (one query)."""
    rows = Comment.objects.for_post(post).values_list(*THREAD_FIELDS)
    return [ThreadComment(*row) for row in rows]


THREAD_FIELDS = (
    "pk",
    "parent_id",
    "status",
    "author_name",
    "body",
    "created_at",
    "post_id",
    "author_email",  # for an unnamed commenter's label (comments.identity), never shown
    "ip_address",
    "badge",
    "markup",
    "position",
    "reply_count",
    "level",
    "tree_id",
)


@dataclass(frozen=True, slots=True)
class ThreadNode:
    """One comment as the page shows it.

    After the comment's own content the template either opens its replies container
    (`opens_replies`) or closes its article and then `closes` enclosing replies
    containers together with the articles that hold them.

    A reply knows its parent's display name, anchor and first words (`parent_name`,
    `parent_anchor`, `parent_excerpt`; blank on a top-level comment, and the words blank
    for a removed parent). `reply_count` counts the published comments at
    any depth below this one, which is what collapsing its sub-thread hides.

    `index` is the node's place among the visible comments in tree order (0 first), and
    `parent_index` its parent's (None for a top-level comment); pages are cut by them.
    """

    comment: Comment | ThreadComment
    depth: int
    opens_replies: bool
    closes: int
    removed: bool = False
    parent_name: str = ""
    parent_anchor: str = ""
    parent_excerpt: str = ""
    reply_count: int = 0
    index: int = 0
    parent_index: int | None = None


def build_thread(comments: Iterable[Comment]) -> list[ThreadNode]:
    """Return the visible comments in tree order, each knowing how to nest.

    `comments` must be one post's comments in tree order, parents before their replies
    (`thread_comments(post)`, or `Comment.objects.for_post(post)`); it is read once and
    nothing else is queried.

    Which comments are shown is `comments.visibility.shown_ids`: published ones, and
    removed ones as placeholders over a shown reply; nothing under pending or spam.
    """
    ordered = list(comments)
    kept = shown_ids(ordered)
    visible = [comment for comment in ordered if comment.pk in kept]
    by_pk = {comment.pk: comment for comment in visible}
    depth_of: dict[int, int] = {}
    depths = []
    for comment in visible:
        depth = depth_of[comment.parent_id] + 1 if comment.parent_id in depth_of else 0
        depth_of[comment.pk] = depth
        depths.append(depth)

    # Backwards again: every reply's own count is final before it is added to its parent's.
    # A visible comment's parent is always visible (hidden parents hide their replies).
    reply_count = dict.fromkeys(by_pk, 0)
    for comment in reversed(visible):
        if comment.parent_id is not None:
            own = 0 if comment.status == Comment.Status.REMOVED else 1
            reply_count[comment.parent_id] += reply_count[comment.pk] + own

    index_of = {comment.pk: index for index, comment in enumerate(visible)}
    nodes = []
    for index, comment in enumerate(visible):
        depth = depths[index]
        next_depth = depths[index + 1] if index + 1 < len(visible) else 0
        # In tree order the next visible comment is either this one's first reply
        # (one level deeper) or comes after this whole subtree (same level or higher).
        opens_replies = next_depth > depth
        parent = by_pk.get(comment.parent_id)
        nodes.append(
            ThreadNode(
                comment=comment,
                depth=depth,
                opens_replies=opens_replies,
                closes=0 if opens_replies else depth - next_depth,
                removed=comment.status == Comment.Status.REMOVED,
                parent_name=name_of(parent) if parent else "",
                parent_anchor=parent.anchor if parent else "",
                parent_excerpt=first_words(parent) if parent else "",
                reply_count=reply_count[comment.pk],
                index=index,
                parent_index=index_of.get(comment.parent_id),
            )
        )
    return nodes


def published_count(thread: list[ThreadNode]) -> int:
    """Return how many comments the thread shows; removed placeholders do not count."""
    return sum(1 for node in thread if not node.removed)


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """One page of a thread: a run of `per_page` visible comments in tree order.

    A page may start inside a sub-thread. `context` then holds the first comment's
    ancestors, which are on earlier pages (outermost first): the page shows them as
    "continued from" lines and nests its comments inside them, so no reply appears
    without the comment it answers. The last node closes every container that is open
    after it, the context's included; if its own replies start the next page,
    `replies_continue` is set.
    """

    nodes: list[ThreadNode]
    context: list[ThreadNode]
    number: int
    num_pages: int
    per_page: int
    comment_count: int
    replies_continue: bool = False
    shown_count: int = 0  # comments the whole thread shows, placeholders included

    @property
    def start(self) -> int:
        """Return the index of the page's first comment in the whole thread."""
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def page_of(self, index: int) -> int:
        """Return the number of the page that shows the comment at `index`."""
        return page_of_index(index, self.per_page)

    def on_page(self, index: int | None) -> bool:
        return index is not None and self.start <= index < self.start + len(self.nodes)


def page_of_index(index: int, per_page: int) -> int:
    """Return the number of the page holding the visible comment at `index` (0-based)."""
    return index // per_page + 1


def located_url(comment: Comment) -> str:
    """Return the address of the comment on the comment page that shows it.

    `comment` must come from `Comment.objects.located()` (its post and position loaded).
    """
    number = page_of_index(comment.thread_position, settings.COMMENTS_PER_PAGE)
    return f"{comment.post.comments_page_url(number)}#{comment.anchor}"


def paginate_thread(thread: list[ThreadNode], number, per_page: int) -> ThreadPage:
    """Return page `number` (1-based) of a thread built by `build_thread`.

    Raises PageNotAnInteger or EmptyPage (django.core.paginator) for a page that does not
    exist. Page 1 always exists, empty when there are no comments.
    """
    number = page_number(number)
    num_pages = max(1, math.ceil(len(thread) / per_page))
    if not 1 <= number <= num_pages:
        raise EmptyPage("That page contains no comments")
    start = (number - 1) * per_page
    nodes = thread[start : start + per_page]
    context: list[ThreadNode] = []
    replies_continue = False
    if nodes:
        ancestor = nodes[0].parent_index
        while ancestor is not None:
            context.append(thread[ancestor])
            ancestor = thread[ancestor].parent_index
        context.reverse()
        last = nodes[-1]
        # The page ends here: close the last comment and every container around it.
        replies_continue = last.opens_replies
        nodes[-1] = replace(last, opens_replies=False, closes=last.depth)
    return ThreadPage(
        nodes=nodes,
        context=context,
        number=number,
        num_pages=num_pages,
        per_page=per_page,
        comment_count=published_count(thread),
        shown_count=len(thread),
        replies_continue=replies_continue,
    )


def page_number(number) -> int:
    try:
        return int(number)
    except (TypeError, ValueError):
        raise PageNotAnInteger("That page number is not an integer") from None
