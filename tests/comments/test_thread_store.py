"""What the post page reads of each comment is stored with it (comments.thread_store):
every write keeps it equal to what the page's rules compute from the whole thread, and a
comment page is read from its own rows and assembled from the stored markup."""

import contextlib
import importlib
import random

import pytest
from django.apps import apps

from blog.discussion import build_discussion
from comments.models import Comment
from comments.services import (
    comment_create,
    comment_delete,
    comment_move,
    comments_set_status,
)
from comments.thread import build_thread, paginate_thread, thread_comments
from comments.thread_page import read_thread_page
from comments.thread_store import STORED, thread_refresh
from tests.factories import CommentFactory, PostFactory, bulk_thread

pytestmark = pytest.mark.django_db

NAMES = ["Ann Lee", "Lee", "Dre", "MD2", "", "Prof G", "Anon MSer", "MSer"]
STATUSES = [Comment.Status.PUBLISHED] * 6 + [
    Comment.Status.PENDING,
    Comment.Status.SPAM,
    Comment.Status.REMOVED,
]


def stored_is_current(post) -> bool:
    """Return True if a full refresh of the post's thread would change nothing."""
    return thread_refresh([post.pk]) == 0


def _write(rng: random.Random, post, step: int) -> None:
    """Make one random write of the kinds readers and moderators make."""
    comments = list(Comment.objects.filter(post=post))
    roll = rng.random()
    if not comments or roll < 0.55:
        parent = rng.choice(comments) if comments and rng.random() < 0.7 else None
        name = rng.choice(NAMES)
        mention = rng.choice(NAMES)
        comment_create(
            post=post,
            parent=parent,
            author_name=name,
            body=f"{mention}: step {step}, {rng.choice(['yes', 'no'])}.",
            status=rng.choice(STATUSES),
        )
    elif roll < 0.75:
        target = rng.choice(comments)
        comments_set_status(Comment.objects.filter(pk=target.pk), rng.choice(STATUSES))
    elif roll < 0.85:
        target = rng.choice(comments)
        target.body = f"Edited at step {step}, naming {rng.choice(NAMES)}."
        target.author_name = rng.choice(NAMES)
        target.save()
    elif roll < 0.93:
        comment_delete(rng.choice(comments))
    else:
        moving = rng.choice(comments)
        others = [c for c in comments if c.post_id == post.pk and c.pk != moving.pk]
        target = rng.choice(others) if others and rng.random() < 0.6 else None
        with contextlib.suppress(ValueError):  # under itself: refused, nothing written
            comment_move(moving, new_parent=target)


@pytest.mark.parametrize("seed", range(4))
def test_every_kind_of_write_keeps_the_stored_values_current(seed):
    rng = random.Random(seed)
    post = PostFactory()
    for step in range(60):
        _write(rng, post, step)
        assert stored_is_current(post), f"seed {seed}, step {step}"


def _shape(page):
    """The parts of a page that decide its markup and its structured data."""

    def node(n):
        return (n.comment.pk, n.depth, n.opens_replies, n.closes, n.removed, n.index)

    return (
        [(*node(n), n.parent_index, n.parent_anchor, n.reply_count) for n in page.nodes],
        [(*node(n), n.reply_count) for n in page.context],
        page.number,
        page.num_pages,
        page.comment_count,
        page.replies_continue,
    )


@pytest.mark.parametrize("per_page", [1, 3, 7, 200])
def test_a_page_read_by_position_is_the_page_of_the_whole_thread(per_page):
    post = PostFactory()
    statuses = {position: STATUSES[position % len(STATUSES)] for position in range(0, 90, 4)}
    bulk_thread(post, 90, seed=per_page, statuses=statuses)
    CommentFactory(post=post, parent=Comment.objects.filter(post=post, level=2).first())
    thread = build_thread(thread_comments(post))

    pages = paginate_thread(thread, 1, per_page).num_pages
    assert pages == max(1, -(-len(thread) // per_page))
    for number in range(1, pages + 1):
        expected = paginate_thread(thread, number, per_page)
        assert _shape(read_thread_page(post, number, per_page)) == _shape(expected), number


def whole_thread(post):
    return build_thread(thread_comments(post))


def test_a_comment_page_is_read_in_one_query_of_its_own_rows(django_assert_num_queries):
    post = PostFactory()
    bulk_thread(post, 1000, seed=3)
    page_three = {node.comment.pk for node in paginate_thread(whole_thread(post), 3, 200).nodes}
    # Rows of other pages would show this if read; a page is assembled from stored markup.
    Comment.objects.filter(post=post).exclude(pk__in=page_three).update(
        markup="<p>READ FROM ANOTHER PAGE</p>"
    )

    with django_assert_num_queries(1):
        page = read_thread_page(post, 3, 200)

    assert len(page.nodes) == 200
    assert all(400 <= node.index < 600 for node in page.nodes)
    assert all(node.index < 400 for node in page.context)
    html = build_discussion(post, 3, "https://example.org").html
    assert "READ FROM ANOTHER PAGE" not in html
    assert html.count('class="comment p-comment h-entry"') + html.count("comment-removed") == 200


def test_a_new_reply_moves_only_the_comments_after_it_in_its_thread(
    django_assert_max_num_queries,
):
    post = PostFactory()
    first = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=first)
    second = CommentFactory(post=post, parent=first)
    last = CommentFactory(post=post)
    bulk_thread(post, 300, seed=1)  # threads after it, which no insert before them touches

    with django_assert_max_num_queries(20):
        CommentFactory(post=post, parent=reply)

    stored = Comment.objects.filter(post=post)
    rows = dict(stored.values_list("pk", "position"))
    assert [rows[c.pk] for c in (first, reply, second, last)] == [0, 1, 3, 0]
    counts = dict(stored.values_list("pk", "reply_count"))
    assert [counts[c.pk] for c in (first, reply, second, last)] == [3, 1, 0, 0]
    assert stored.get(pk=first.pk).thread_shown == 4
    assert stored_is_current(post)


def test_editing_a_comment_rerenders_its_markup_and_its_replies_quotes():
    post = PostFactory()
    parent = CommentFactory(post=post, author_name="Dre", body="Bears are fine.")
    reply = CommentFactory(post=post, parent=parent, body="I disagree.")

    parent.body = "Wolves are fine."
    parent.author_name = "Dre B"
    parent.save()

    parent.refresh_from_db()
    reply.refresh_from_db()
    assert "Wolves are fine." in parent.markup
    assert "in reply to Dre B" in reply.markup and "Wolves are fine." in reply.markup


def test_held_and_spam_comments_have_no_place():
    post = PostFactory()
    shown = CommentFactory(post=post)
    held = CommentFactory(post=post, status=Comment.Status.PENDING)
    under_held = CommentFactory(post=post, parent=held)

    positions = dict(Comment.objects.filter(post=post).values_list("pk", "position"))

    assert positions == {shown.pk: 0, held.pk: None, under_held.pk: None}
    comments_set_status(Comment.objects.filter(pk=held.pk), Comment.Status.PUBLISHED)
    positions = dict(Comment.objects.filter(post=post).values_list("pk", "position"))
    assert positions == {shown.pk: 0, held.pk: 0, under_held.pk: 1}  # a thread of its own


def test_the_migration_fills_the_stored_values_of_existing_comments():
    post = PostFactory()
    bulk_thread(post, 40, seed=2)
    stored = Comment.objects.filter(post=post).values_list(*STORED)
    before = list(stored)
    Comment.objects.update(position=None, reply_count=0, thread_shown=0, markup="")

    migration = importlib.import_module("comments.migrations.0007_comment_stored_page_values")
    migration.fill(apps, None)

    assert list(stored) == before


def test_deleting_comments_outside_the_services_keeps_the_stored_values_current():
    post = PostFactory()
    bulk_thread(post, 30, seed=5)
    other = PostFactory()
    bulk_thread(other, 5, seed=6)

    Comment.objects.filter(post=post, level=1).first().delete()
    assert stored_is_current(post)
    roots = list(Comment.objects.filter(post=post, level=0).values_list("pk", flat=True))
    Comment.objects.filter(pk__in=roots[:2]).delete()  # a queryset's delete
    assert stored_is_current(post)

    other.delete()  # with all its comments: nothing to refresh, nothing left
    assert not Comment.objects.filter(post_id=other.pk).exists()
