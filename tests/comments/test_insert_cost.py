"""A reply costs the same at 10 comments and at thousands: the same queries, none of them
reading the post's other comments (comments.services, comments.thread_store), and the
names a reply may mention come from the post's commenters' names (`CommenterName`)."""

import importlib
import itertools

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import Post
from comments.models import Comment, CommenterName
from comments.moderation import Submission
from comments.services import comment_create, comment_submit
from comments.thread_store import commenter_names
from tests.factories import PostFactory, bulk_thread

pytestmark = pytest.mark.django_db

_senders = itertools.count(1)


def submit(post, parent, body: str) -> tuple[Comment, list[str]]:
    """Post a reply as a reader would (abuse rules included); return it and its queries."""
    n = next(_senders)
    submission = Submission(
        post=Post.objects.get(pk=post.pk),  # as a request has it: nothing cached
        parent=Comment.objects.get(pk=parent.pk),
        author_name=f"Newcomer {n}",
        author_email=f"newcomer{n}@example.org",
        body=body,
        notify_replies=False,
        ip_address=f"192.0.2.{n}",
    )
    with CaptureQueriesContext(connection) as queries:
        comment = comment_submit(submission=submission)
    return comment, [query["sql"] for query in queries.captured_queries]


def a_reply_in(post) -> Comment:
    """The post's first published reply (level 1)."""
    return Comment.objects.filter(post=post, level=1).first()


def test_a_reply_runs_the_same_queries_at_12_comments_and_at_3000():
    small, large = PostFactory(), PostFactory()
    bulk_thread(small, 12, seed=4)
    bulk_thread(large, 3000, seed=4)
    body = "Reader 3 and Reader 5 have a point, Reader 99 does not exist."

    replies = [submit(post, a_reply_in(post), body) for post in (small, large, small, large)]

    counts = [len(queries) for _, queries in replies]
    assert counts[0] == counts[1] == counts[2] == counts[3], counts
    # Its abuse checks, its place, its thread's counts, its markup and mentions, its name,
    # the post's cache version, the post's author for the email (and PostgreSQL's locks).
    assert counts[0] <= (21 if connection.vendor == "postgresql" else 19)
    for reply, _ in replies:
        # What the short path stored is what the whole thread's rules give.
        assert Comment.objects.get(pk=reply.pk).markup.count("commenter-mention") == 2


def test_a_new_thread_runs_the_same_queries_at_12_comments_and_at_3000():
    small, large = PostFactory(), PostFactory()
    bulk_thread(small, 12, seed=4)
    bulk_thread(large, 3000, seed=4)

    counts = []
    for post in (small, large, small, large):
        with CaptureQueriesContext(connection) as queries:
            comment_create(post=post, author_name="Ann", body="Reader 3 said so.")
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1] == counts[2] == counts[3], counts


def test_a_mention_links_the_latest_shown_comment_of_that_name():
    post = PostFactory()
    first = comment_create(post=post, author_name="Dre", body="Bears.")
    latest = comment_create(post=post, author_name="Dre", body="Wolves.")
    comment_create(post=post, author_name="Dre", body="Held.", status=Comment.Status.PENDING)
    comment_create(post=post, author_name="MD2", body="Gone soon.")
    Comment.objects.get(author_name="MD2").delete()  # a name left with no comment

    reply = comment_create(post=post, parent=first, author_name="Ann", body="Dre, MD2: no.")

    assert f"/comments/{latest.pk}/" in reply.markup
    assert reply.markup.count("commenter-mention") == 1  # MD2 has no comment left
    names = set(CommenterName.objects.filter(post=post).values_list("name", flat=True))
    assert {"Dre", "Ann"} <= names  # MD2 may stay: a lookup checks the comments


def test_the_names_are_every_shown_published_name_after_bulk_writes_and_moderation():
    post = PostFactory()
    bulk_thread(post, 80, seed=8, statuses={3: Comment.Status.PENDING})
    pending = Comment.objects.get(post=post, status=Comment.Status.PENDING)
    pending.status = Comment.Status.PUBLISHED
    pending.author_name = "Renamed While Held"
    pending.save()

    expected = {name for _, name in commenter_names(Comment.objects.filter(post=post))}
    assert "Renamed While Held" in expected
    assert set(CommenterName.objects.filter(post=post).values_list("name", flat=True)) == expected


def test_the_migration_records_the_names_of_existing_comments():
    post, other = PostFactory(), PostFactory()
    bulk_thread(post, 60, seed=2, statuses={0: Comment.Status.SPAM})
    bulk_thread(other, 10, seed=3)
    stored = CommenterName.objects.order_by("post_id", "name").values_list("post_id", "name")
    before = list(stored)
    CommenterName.objects.all().delete()

    migration = importlib.import_module("comments.migrations.0008_commenter_names")
    migration.fill(apps, None)

    assert list(stored) == before
    assert {post.pk, other.pk} == {post_id for post_id, _ in before}


def test_comments_loaded_from_a_fixture_bring_their_names():
    post = PostFactory()
    first = comment_create(post=post, author_name="Dre", body="Bears.")
    comment_create(post=post, parent=first, author_name="MD2", body="Wolves.")
    dumped = serializers.serialize("json", Comment.objects.filter(post=post).order_by("pk"))
    Comment.objects.filter(post=post).delete()
    CommenterName.objects.all().delete()

    for loaded in serializers.deserialize("json", dumped):
        loaded.save()  # as loaddata saves: raw, the stored values as dumped

    assert set(CommenterName.objects.values_list("name", flat=True)) == {"Dre", "MD2"}
    reply = comment_create(post=post, parent=first, author_name="Ann", body="MD2 is right.")
    assert reply.markup.count("commenter-mention") == 1
