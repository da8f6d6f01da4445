"""Simultaneous submissions cannot all pass the duplicate and flood checks (PostgreSQL:
each submitter is a thread with its own connection, released together by a barrier)."""

import pytest
from django.db import connection

from comments.models import Comment
from comments.moderation import CommentRefused, Submission
from comments.services import comment_submit
from tests.comments.test_concurrency import run_concurrently
from tests.factories import AuthorFactory, PostFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent submitters need PostgreSQL"
    ),
]


def submission(post, body, *, ip="203.0.113.5", email="ann@example.org"):
    return Submission(
        post=post,
        parent=None,
        author_name="Ann",
        author_email=email,
        body=body,
        notify_replies=False,
        ip_address=ip,
    )


def submit_all(submissions) -> tuple[int, list[BaseException]]:
    refused = []

    def job(s):
        try:
            comment_submit(submission=s)
        except CommentRefused as refusal:
            refused.append(refusal)

    errors = run_concurrently([lambda s=s: job(s) for s in submissions])
    return len(refused), errors


@pytest.mark.parametrize("trial", range(3))
def test_five_identical_simultaneous_submissions_store_one(settings, trial):
    settings.COMMENTS_FLOOD_SECONDS = 0  # only the duplicate check stands in the way
    settings.COMMENTS_RATE_LIMIT = 0
    post = PostFactory(author=AuthorFactory())

    # From five addresses, as a double submit through different proxies would be.
    refused, errors = submit_all(
        [submission(post, "Same words.", ip=f"203.0.113.{n}") for n in range(5)]
    )

    assert errors == []
    assert Comment.objects.filter(post=post, body="Same words.").count() == 1
    assert refused == 4


@pytest.mark.parametrize("trial", range(3))
def test_five_simultaneous_submissions_from_one_client_pass_the_flood_check_once(settings, trial):
    settings.COMMENTS_FLOOD_SECONDS = 15
    settings.COMMENTS_RATE_LIMIT = 0
    post = PostFactory(author=AuthorFactory())

    refused, errors = submit_all(
        [submission(post, f"Words {n}.", email=f"n{n}@example.org") for n in range(5)]
    )

    assert errors == []
    assert Comment.objects.filter(post=post).count() == 1
    assert refused == 4
