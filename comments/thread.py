"""Turn one post's comments into the flat list the post page renders as nested markup.

The page shows replies inside their parent's <article>. Rendering that with recursive
includes (or mptt's `get_cached_trees`, which is quadratic) is slow for long threads, so
the nesting is worked out here, once, in O(n): every node says how deep it is, whether
it opens a replies container, and how many containers to close after it, and carries
what the page says about it (whom it answers, how many replies are under it). The
template then needs only a flat `{% for %}`.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from comments.models import Comment

# Statuses that can appear on the page: published as written, removed as a placeholder.
_SHOWABLE = {Comment.Status.PUBLISHED, Comment.Status.REMOVED}

REMOVED_TEXT = "This comment was removed."

# How a reply names a removed parent: its author is hidden along with its text.
REMOVED_PARENT_NAME = "a removed comment"


@dataclass(frozen=True, slots=True)
class ThreadNode:
    """One comment as the page shows it.

    After the comment's own content the template either opens its replies container
    (`opens_replies`) or closes its article and then `closes` enclosing replies
    containers together with the articles that hold them.

    A reply knows its parent's display name and anchor (`parent_name`, `parent_anchor`;
    both blank on a top-level comment). `reply_count` counts the published comments at
    any depth below this one, which is what collapsing its sub-thread hides.
    """

    comment: Comment
    depth: int
    opens_replies: bool
    closes: int
    removed: bool = False
    parent_name: str = ""
    parent_anchor: str = ""
    reply_count: int = 0

    @property
    def closings(self) -> range:
        """Return something the template can loop over `closes` times."""
        return range(self.closes)


def build_thread(comments: Iterable[Comment]) -> list[ThreadNode]:
    """Return the visible comments in tree order, each knowing how to nest.

    `comments` must be one post's comments in tree order, parents before their replies
    (`Comment.objects.for_post(post)`); it is read once and nothing else is queried.

    Published comments are shown. Pending and spam comments are hidden together with
    everything under them. A removed comment stays as a placeholder while it has a
    visible reply somewhere below it, and disappears otherwise.
    """
    ordered = list(comments)
    # Pending or spam anywhere above hides a comment, whatever its own status.
    hidden: set[int] = set()
    for comment in ordered:
        if comment.parent_id in hidden or comment.status not in _SHOWABLE:
            hidden.add(comment.pk)

    # Replies come after their parent, so walking backwards settles every reply before
    # its parent: a removed comment is kept only if some reply of it is kept.
    kept: set[int] = set()
    has_kept_reply: set[int] = set()
    for comment in reversed(ordered):
        if comment.pk in hidden:
            continue
        if comment.status == Comment.Status.PUBLISHED or comment.pk in has_kept_reply:
            kept.add(comment.pk)
            if comment.parent_id is not None:
                has_kept_reply.add(comment.parent_id)

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
                parent_name=_name_of(parent) if parent else "",
                parent_anchor=parent.anchor if parent else "",
                reply_count=reply_count[comment.pk],
            )
        )
    return nodes


def _name_of(comment: Comment) -> str:
    if comment.status == Comment.Status.REMOVED:
        return REMOVED_PARENT_NAME
    return comment.display_name


def published_count(thread: list[ThreadNode]) -> int:
    """Return how many comments the thread shows; removed placeholders do not count."""
    return sum(1 for node in thread if not node.removed)
