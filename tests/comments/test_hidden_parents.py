"""A reply under anything readers cannot see is refused with a clear message, and nothing
is stored: not under a spam or pending comment, nor under a published reply of one."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relaxed_limits")]


@pytest.fixture
def hidden_branch(seed_post):
    """A published reply whose parent is then held (pending) or marked as spam."""
    root = comment_create(post=seed_post, body="A root that turns out to be spam.")
    child = comment_create(post=seed_post, parent=root, body="A published reply under it.")
    grandchild = comment_create(post=seed_post, parent=child, body="Deeper still.")
    return root, child, grandchild


def reply(client, post, parent, body):
    data = {"name": "", "email": "", "body": body, "website": "", "parent": parent.pk}
    return client.post(reverse("comments:post", kwargs={"post_pk": post.pk}), data)


@pytest.mark.parametrize("status", ["spam", "pending"])
@pytest.mark.parametrize("depth", [1, 2])
def test_replying_under_a_hidden_ancestor_is_refused_and_nothing_is_stored(
    client, seed_post, hidden_branch, status, depth
):
    root, *below = hidden_branch
    Comment.objects.filter(pk=root.pk).update(status=status)
    before = Comment.objects.count()

    response = reply(client, seed_post, below[depth - 1], "Replying into the dark.")

    assert response.status_code == 400
    assert "is not published, so it cannot take replies" in response.content.decode()
    assert "Replying into the dark." in response.content.decode()  # what was typed is kept
    assert Comment.objects.count() == before


def test_the_reply_page_of_a_comment_under_spam_is_not_found(client, hidden_branch):
    root, child, _ = hidden_branch
    Comment.objects.filter(pk=root.pk).update(status="spam")

    response = client.get(reverse("comments:reply", kwargs={"pk": child.pk}))

    assert response.status_code == 404


def test_replying_under_a_visible_thread_still_works(client, seed_post, hidden_branch):
    _, child, _ = hidden_branch

    response = reply(client, seed_post, child, "A welcome reply.")

    assert response.status_code == 302
    assert Comment.objects.get(body="A welcome reply.").parent_id == child.pk
