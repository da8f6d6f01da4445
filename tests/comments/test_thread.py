"""build_thread turns comments in tree order into a flat list that renders as nested markup."""

import random

import pytest

from comments.models import Comment
from comments.thread import ThreadNode, build_thread, published_count
from tests.factories import CommentFactory

PUBLISHED = Comment.Status.PUBLISHED
PENDING = Comment.Status.PENDING
SPAM = Comment.Status.SPAM
REMOVED = Comment.Status.REMOVED


def comments(*rows) -> list[Comment]:
    """Make unsaved comments from (pk, parent pk, status[, author]) rows, in tree order."""
    return [
        Comment(pk=pk, parent_id=parent, status=status, body=f"c{pk}", author_name="".join(name))
        for pk, parent, status, *name in rows
    ]


def shape(thread: list[ThreadNode]) -> list[tuple]:
    """Return (pk, depth, opens_replies, closes) for each node."""
    return [(node.comment.pk, node.depth, node.opens_replies, node.closes) for node in thread]


def render(thread: list[ThreadNode]) -> str:
    """Render the thread the way the post page does, as compact markup."""
    out = []
    for node in thread:
        out.append(f"<{node.comment.pk}>")
        if node.opens_replies:
            out.append("[")
        else:
            out.append(f"</{node.comment.pk}>")
            out.extend("]</>" for _ in range(node.closes))
    return "".join(out)


def test_empty_thread_is_empty():
    assert build_thread([]) == []


def test_top_level_comments_open_and_close_nothing():
    thread = build_thread(comments((1, None, PUBLISHED), (2, None, PUBLISHED)))

    assert shape(thread) == [(1, 0, False, 0), (2, 0, False, 0)]


def test_replies_nest_inside_their_parent_and_the_last_closes_it():
    # The seed's shape in small: the third comment has replies, a fourth follows it.
    thread = build_thread(
        comments(
            (1, None, PUBLISHED),
            (2, None, PUBLISHED),
            (3, None, PUBLISHED),
            (4, 3, PUBLISHED),
            (5, 3, PUBLISHED),
            (6, None, PUBLISHED),
        )
    )

    assert shape(thread) == [
        (1, 0, False, 0),
        (2, 0, False, 0),
        (3, 0, True, 0),
        (4, 1, False, 0),
        (5, 1, False, 1),
        (6, 0, False, 0),
    ]
    assert render(thread) == "<1></1><2></2><3>[<4></4><5></5>]</><6></6>"


def test_deepest_reply_closes_every_level_it_climbs_out_of():
    thread = build_thread(
        comments(
            (1, None, PUBLISHED),
            (2, 1, PUBLISHED),
            (3, 2, PUBLISHED),
            (4, 3, PUBLISHED),
            (5, 1, PUBLISHED),
            (6, None, PUBLISHED),
            (7, 6, PUBLISHED),
            (8, 7, PUBLISHED),
        )
    )

    assert shape(thread) == [
        (1, 0, True, 0),
        (2, 1, True, 0),
        (3, 2, True, 0),
        (4, 3, False, 2),  # back to depth 1: closes the replies of 3 and of 2
        (5, 1, False, 1),
        (6, 0, True, 0),
        (7, 1, True, 0),
        (8, 2, False, 2),  # the last comment closes everything still open
    ]
    assert render(thread) == ("<1>[<2>[<3>[<4></4>]</>]</><5></5>]</><6>[<7>[<8></8>]</>]</>")


@pytest.mark.parametrize("status", [PENDING, SPAM])
def test_pending_and_spam_comments_hide_their_whole_subtree(status):
    thread = build_thread(
        comments(
            (1, None, PUBLISHED),
            (2, 1, status),
            (3, 2, PUBLISHED),
            (4, 3, PUBLISHED),
            (5, 1, PUBLISHED),
            (6, None, status),
            (7, 6, PUBLISHED),
        )
    )

    assert shape(thread) == [(1, 0, True, 0), (5, 1, False, 1)]


def test_hidden_last_reply_does_not_leave_its_parent_open():
    thread = build_thread(
        comments((1, None, PUBLISHED), (2, 1, PUBLISHED), (3, 1, PENDING), (4, None, PUBLISHED))
    )

    assert render(thread) == "<1>[<2></2>]</><4></4>"


def test_removed_comment_with_visible_replies_stays_as_a_placeholder():
    thread = build_thread(
        comments((1, None, REMOVED), (2, 1, PUBLISHED), (3, 1, PUBLISHED), (4, None, PUBLISHED))
    )

    assert shape(thread) == [(1, 0, True, 0), (2, 1, False, 0), (3, 1, False, 1), (4, 0, False, 0)]
    assert [node.removed for node in thread] == [True, False, False, False]


def test_removed_comment_without_visible_replies_disappears():
    thread = build_thread(
        comments(
            (1, None, REMOVED),
            (2, None, PUBLISHED),
            (3, 2, REMOVED),
            (4, None, REMOVED),
            (5, 4, PENDING),
            (6, 5, PUBLISHED),  # visible only if 5 were
        )
    )

    assert shape(thread) == [(2, 0, False, 0)]


def test_removed_chain_above_a_published_reply_stays_as_placeholders():
    thread = build_thread(
        comments((1, None, REMOVED), (2, 1, REMOVED), (3, 2, PUBLISHED), (4, 2, REMOVED))
    )

    assert shape(thread) == [(1, 0, True, 0), (2, 1, True, 0), (3, 2, False, 2)]
    assert [node.removed for node in thread] == [True, True, False]


def test_replies_know_whom_they_answer():
    thread = build_thread(
        comments(
            (1, None, PUBLISHED, "Dre"),
            (2, 1, PUBLISHED, "MD2"),
            (3, 2, PUBLISHED),
            (4, None, PUBLISHED),
        )
    )

    assert [(node.parent_name, node.parent_anchor) for node in thread] == [
        ("", ""),
        ("Dre", "comment-1"),
        ("MD2", "comment-2"),
        ("", ""),
    ]


def test_reply_to_a_removed_comment_does_not_name_its_author():
    thread = build_thread(comments((1, None, REMOVED, "Mallory"), (2, 1, PUBLISHED)))

    assert (thread[1].parent_name, thread[1].parent_anchor) == ("a removed comment", "comment-1")


def test_reply_count_counts_every_published_reply_below_a_comment():
    # The seed's shape: the third of four comments has nine replies.
    rows = [(1, None, PUBLISHED), (2, None, PUBLISHED), (3, None, PUBLISHED)]
    rows += [(pk, 3, PUBLISHED) for pk in range(4, 13)]
    rows += [(13, None, PUBLISHED)]

    thread = build_thread(comments(*rows))

    assert [node.reply_count for node in thread] == [0, 0, 9] + [0] * 9 + [0]


def test_reply_count_includes_deeper_replies_but_not_hidden_ones_or_placeholders():
    thread = build_thread(
        comments(
            (1, None, PUBLISHED),
            (2, 1, PUBLISHED),
            (3, 2, PUBLISHED),
            (4, 1, REMOVED),
            (5, 4, PUBLISHED),
            (6, 1, PENDING),
            (7, 6, PUBLISHED),
        )
    )

    assert [(node.comment.pk, node.reply_count) for node in thread] == [
        (1, 3),  # 2, 3 and 5; not the placeholder 4, nor 6 and 7, which are hidden
        (2, 1),
        (3, 0),
        (4, 1),
        (5, 0),
    ]


def test_published_count_leaves_out_placeholders():
    thread = build_thread(comments((1, None, REMOVED), (2, 1, PUBLISHED), (3, None, PENDING)))

    assert published_count(thread) == 1


def test_any_tree_renders_balanced_with_every_reply_inside_its_parent():
    rng = random.Random(20141009)
    rows: list[tuple[int, int | None, str]] = []
    # Build a random forest in tree order: each new comment replies to something on the
    # current path (or starts a new thread), which is exactly what tree order allows.
    path: list[int] = []
    for pk in range(1, 400):
        del path[rng.randint(0, len(path)) :]
        status = rng.choice([PUBLISHED] * 6 + [REMOVED, REMOVED, PENDING, SPAM])
        rows.append((pk, path[-1] if path else None, status))
        path.append(pk)
    parent_of = {pk: parent for pk, parent, _ in rows}

    thread = build_thread(comments(*rows))

    open_articles: list[int] = []
    for node in thread:
        pk = node.comment.pk
        expected_parent = parent_of[pk]
        assert (open_articles[-1] if open_articles else None) == expected_parent
        assert node.depth == len(open_articles)
        open_articles.append(pk)
        if not node.opens_replies:
            open_articles.pop()
            for _ in range(node.closes):
                open_articles.pop()
    assert open_articles == []
    assert any(node.removed for node in thread)
    assert max(node.depth for node in thread) >= 3

    # Each reply names its parent, and each count is what a walk of the subtree finds.
    shown = {node.comment.pk: node for node in thread}
    for node in thread:
        parent = parent_of[node.comment.pk]
        assert node.parent_anchor == (f"comment-{parent}" if parent else "")
    below: dict[int, int] = dict.fromkeys(shown, 0)
    for node in thread:
        parent = parent_of[node.comment.pk]
        while parent is not None:
            below[parent] += 0 if node.removed else 1
            parent = parent_of[parent]
    assert {pk: node.reply_count for pk, node in shown.items()} == below


@pytest.mark.django_db
def test_thread_of_a_post_is_built_from_one_query(post, django_assert_num_queries):
    first = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=first)
    CommentFactory(post=post, parent=reply, status=PENDING)
    last = CommentFactory(post=post)
    CommentFactory(post=CommentFactory().post)  # another post's comment

    with django_assert_num_queries(1):
        thread = build_thread(Comment.objects.for_post(post))

    assert [node.comment for node in thread] == [first, reply, last]
    assert render(thread) == f"<{first.pk}>[<{reply.pk}></{reply.pk}>]</><{last.pk}></{last.pk}>"
