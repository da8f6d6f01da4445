"""With read replicas, a reader's own write is read back from the primary (config.routers).

The replicas here are database aliases that do not exist: any read sent to one fails,
so a test that passes read only from the primary. The tests run outside a test
transaction, as inside one every read stays on the primary anyway.
"""

import pytest
from django.db.utils import ConnectionDoesNotExist
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.moderation import CommentRefused, Submission, check_duplicate, check_flood
from comments.services import comment_create
from config.routers import WROTE_COOKIE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lagging_replicas(settings):
    settings.DATABASE_REPLICAS = ["replica_1", "replica_2"]
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    settings.COMMENTS_RATE_LIMIT = 0
    return settings


def test_posting_a_comment_and_its_redirect_read_from_the_primary(client, post, lagging_replicas):
    response = client.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"name": "Ann", "email": "", "body": "Read me back.", "website": ""},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain  # to the comment page that shows it
    assert "Read me back." in response.content.decode()
    assert client.cookies[WROTE_COOKIE]["max-age"] == lagging_replicas.DATABASE_REPLICA_LAG_SECONDS


def test_readers_who_did_not_write_read_from_the_replicas(client, post, lagging_replicas):
    with pytest.raises(ConnectionDoesNotExist):
        client.get(post.get_absolute_url())


def test_without_replicas_no_cookie_is_set(client, post, settings):
    settings.COMMENTS_RATE_LIMIT = 0
    response = client.post(
        reverse("comments:post", kwargs={"post_pk": post.pk}),
        {"name": "Ann", "email": "", "body": "Hello.", "website": ""},
    )

    assert response.status_code == 302
    assert WROTE_COOKIE not in response.cookies


def test_duplicate_and_flood_checks_read_the_primary(post, lagging_replicas):
    lagging_replicas.COMMENTS_FLOOD_SECONDS = 60
    comment_create(
        post=post,
        body="Twice?",
        author_name="Ann",
        ip_address="192.0.2.1",
        created_at=timezone.now(),
    )
    again = Submission(
        post=post,
        parent=None,
        author_name="Ann",
        author_email="",
        body="Twice?",
        notify_replies=False,
        ip_address="192.0.2.1",
    )

    with pytest.raises(CommentRefused, match="already posted"):
        check_duplicate(again)
    with pytest.raises(CommentRefused, match="too quickly"):
        check_flood(again)
    assert Comment.objects.using("default").count() == 1
