"""Concurrent writers on PostgreSQL keep every comment and every tree sound.

django-mptt takes no locks; comments.services takes advisory locks. Each writer here is a
separate thread with its own database connection, released together by a barrier.
"""

import threading

import pytest
from django.db import connection, connections

from comments.models import Comment
from comments.services import comment_create, comment_delete
from comments.trees import find_tree_problems
from tests.factories import AuthorFactory, CommentFactory, PostFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL (advisory locks, separate connections)",
    ),
]


def run_concurrently(jobs) -> list[BaseException]:
    """Run each job in its own thread and connection, all starting at once; return errors."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_concurrent_replies_and_new_threads_are_all_stored_soundly():
    author = AuthorFactory()
    posts = [PostFactory(author=author) for _ in range(4)]
    target = CommentFactory(post=posts[0], body="Reply to me.")
    replies, threads = 50, 20

    jobs = [
        (lambda n=n: comment_create(post=posts[0], parent=target, body=f"Reply {n}"))
        for n in range(replies)
    ] + [
        (lambda n=n: comment_create(post=posts[n % 4], body=f"Thread {n}")) for n in range(threads)
    ]
    errors = run_concurrently(jobs)

    assert errors == []
    assert Comment.objects.filter(parent=target).count() == replies
    assert Comment.objects.filter(parent=None).count() == threads + 1
    tree_ids = list(Comment.objects.filter(parent=None).values_list("tree_id", flat=True))
    assert len(set(tree_ids)) == len(tree_ids)
    assert find_tree_problems() == []


def test_removing_subthreads_while_replies_arrive_orphans_nothing():
    post = PostFactory(author=AuthorFactory())
    root = CommentFactory(post=post, body="The root.")
    branches = [CommentFactory(post=post, parent=root, body=f"Branch {n}") for n in range(10)]
    for branch in branches:
        CommentFactory(post=post, parent=branch, body="Under a branch.")
    doomed, kept = branches[:5], branches[5:]

    jobs = [(lambda b=b: comment_delete(b)) for b in doomed] + [
        (lambda b=b, n=n: comment_create(post=post, parent=b, body=f"Late reply {n}"))
        for n in range(4)
        for b in kept
    ]
    errors = run_concurrently(jobs)

    assert errors == []
    assert find_tree_problems() == []
    assert not Comment.objects.filter(pk__in=[b.pk for b in doomed]).exists()
    # Every surviving comment hangs from the root: nothing orphaned.
    assert Comment.objects.get(pk=root.pk).get_descendant_count() == Comment.objects.count() - 1
    assert Comment.objects.filter(parent__in=kept).count() == 5 * 5


def test_concurrent_moves_and_replies_keep_trees_sound():
    from comments.services import comment_move

    post = PostFactory(author=AuthorFactory())
    roots = [CommentFactory(post=post, body=f"Root {n}") for n in range(4)]
    leaves = [CommentFactory(post=post, parent=roots[n % 4], body=f"Leaf {n}") for n in range(12)]

    jobs = [
        (lambda leaf=leaf, n=n: comment_move(leaf, new_parent=roots[(n + 1) % 4]))
        for n, leaf in enumerate(leaves)
    ] + [
        (lambda n=n: comment_create(post=post, parent=roots[n % 4], body=f"New {n}"))
        for n in range(12)
    ]
    errors = run_concurrently(jobs)

    assert errors == []
    assert find_tree_problems() == []
    assert Comment.objects.count() == 4 + 12 + 12


def test_deleting_from_the_admin_while_replies_arrive_keeps_trees_sound(django_user_model):
    from django.test import Client
    from django.urls import reverse

    post = PostFactory(author=AuthorFactory())
    root = CommentFactory(post=post, body="The root.")
    branches = [CommentFactory(post=post, parent=root, body=f"Branch {n}") for n in range(8)]
    for branch in branches:
        CommentFactory(post=post, parent=branch, body="Under a branch.")
    doomed, kept = branches[:4], branches[4:]
    moderator = django_user_model.objects.create_superuser("mod", "mod@example.org", "pw")

    def admin_delete(branch):
        client = Client()
        client.force_login(moderator)
        response = client.post(
            reverse("admin:comments_comment_changelist"),
            {"action": "delete_selected", "_selected_action": [branch.pk], "post": "yes"},
        )
        assert response.status_code == 302

    jobs = [(lambda b=b: admin_delete(b)) for b in doomed] + [
        (lambda b=b, n=n: comment_create(post=post, parent=b, body=f"Late reply {n}"))
        for n in range(4)
        for b in kept
    ]
    errors = run_concurrently(jobs)

    assert errors == []
    assert find_tree_problems() == []
    assert not Comment.objects.filter(pk__in=[b.pk for b in doomed]).exists()
    assert Comment.objects.get(pk=root.pk).get_descendant_count() == Comment.objects.count() - 1
