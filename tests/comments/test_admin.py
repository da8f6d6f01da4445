"""Moderators work through the admin: queue pending first, bulk actions, one post's tree."""

import pytest
from django.urls import reverse

from comments.models import Comment

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


def test_queue_lists_pending_first_then_spam(staff_client, seed_post):
    Comment.objects.filter(source_ref="4").update(status="pending")
    Comment.objects.filter(source_ref="2").update(status="spam")

    response = staff_client.get(CHANGELIST)

    statuses = [comment.status for comment in response.context["cl"].result_list]
    assert statuses[:2] == ["pending", "spam"]
    assert set(statuses[2:]) == {"published"}


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", "pending", "published"),
        ("spam", "published", "spam"),
        ("remove", "published", "removed"),
        ("restore", "removed", "published"),
    ],
)
def test_bulk_actions_change_status(staff_client, seed_post, action, before, after):
    chosen = list(Comment.objects.filter(source_ref__in=["1", "2"]).values_list("pk", flat=True))
    Comment.objects.filter(pk__in=chosen).update(status=before)

    response = staff_client.post(
        CHANGELIST, {"action": action, "_selected_action": chosen}, follow=True
    )

    assert response.status_code == 200
    assert set(Comment.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {after}
    assert "2 comments " in response.content.decode()


def test_removed_comment_with_replies_keeps_the_thread_shape(staff_client, client, seed_post):
    voltaire = Comment.objects.get(source_ref="3")
    staff_client.post(CHANGELIST, {"action": "remove", "_selected_action": [voltaire.pk]})

    page = client.get(seed_post.get_absolute_url()).content.decode()

    assert f'id="comment-{voltaire.pk}"' in page
    assert "This comment was removed." in page
    assert "Doctors put drugs of which they know little" not in page
    assert "Long time no hear Dre" in page


def test_filtering_by_post_shows_its_thread_in_tree_order(staff_client, seed_post):
    response = staff_client.get(CHANGELIST, {"post__id__exact": seed_post.pk})

    refs = [comment.source_ref for comment in response.context["cl"].result_list]
    assert refs == [
        "1",
        "2",
        "3",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "3.5",
        "3.6",
        "3.7",
        "3.8",
        "3.9",
        "4",
    ]


def test_search_and_status_filter(staff_client, seed_post):
    Comment.objects.filter(source_ref="3.8").update(status="pending")

    found = staff_client.get(CHANGELIST, {"q": "Team G", "status__exact": "pending"})

    assert [c.source_ref for c in found.context["cl"].result_list] == ["3.8"]


def test_change_page_links_to_the_comment_on_the_site(staff_client, seed_post):
    comment = Comment.objects.get(source_ref="3.1")

    page = staff_client.get(
        reverse("admin:comments_comment_change", args=[comment.pk])
    ).content.decode()

    assert f'href="/comments/{comment.pk}/"' in page  # its stable address


def test_changelist_query_count_does_not_grow_with_comments(
    staff_client, seed_post, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        staff_client.get(CHANGELIST)
    for n in range(40):
        Comment.objects.create(post=seed_post, body=f"More {n}")
    with django_assert_max_num_queries(12):
        staff_client.get(CHANGELIST)


def test_bulk_actions_apply_only_where_the_post_pages_buttons_would(staff_client, seed_post):
    held, removed = Comment.objects.filter(source_ref__in=["1", "2"]).order_by("source_ref")
    Comment.objects.filter(pk=held.pk).update(status="pending")
    Comment.objects.filter(pk=removed.pk).update(status="removed")

    response = staff_client.post(
        CHANGELIST, {"action": "restore", "_selected_action": [held.pk, removed.pk]}, follow=True
    )

    assert Comment.objects.get(pk=held.pk).status == "pending"  # restore is not approve
    assert Comment.objects.get(pk=removed.pk).status == "published"
    assert "1 comment left as they were" in response.content.decode()


@pytest.fixture
def locked_trees(monkeypatch):
    """Record the trees whose lock the comment services take."""
    from comments import services

    taken = []
    real, real_of = services.lock_tree, services.lock_tree_of

    def spy(tree_id):
        taken.append(tree_id)
        return real(tree_id)

    def spy_of(comment_id):  # the tree a comment is in, found as the lock is taken
        taken.append(Comment.objects.values_list("tree_id", flat=True).get(pk=comment_id))
        return real_of(comment_id)

    monkeypatch.setattr(services, "lock_tree", spy)
    monkeypatch.setattr(services, "lock_tree_of", spy_of)
    return taken


def test_bulk_delete_goes_through_the_service_under_the_trees_lock(
    staff_client, seed_post, locked_trees
):
    from comments.trees import find_tree_problems

    voltaire, reply = Comment.objects.get(source_ref="3"), Comment.objects.get(source_ref="3.4")
    chosen = [voltaire.pk, reply.pk, Comment.objects.get(source_ref="4").pk]

    response = staff_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert voltaire.tree_id in locked_trees
    assert not Comment.objects.filter(source_ref__startswith="3").exists()
    assert not Comment.objects.filter(source_ref="4").exists()
    assert find_tree_problems() == []


def test_change_page_delete_goes_through_the_service(staff_client, seed_post, locked_trees):
    comment = Comment.objects.get(source_ref="3.2")

    staff_client.post(reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"})

    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert locked_trees == [comment.tree_id]


def test_one_comment_is_one_comment_in_the_message(staff_client, seed_post):
    chosen = Comment.objects.get(source_ref="1")
    response = staff_client.post(
        CHANGELIST, {"action": "spam", "_selected_action": [chosen.pk]}, follow=True
    )
    assert "1 comment marked as spam." in response.content.decode()
    assert "comment(s)" not in response.content.decode()
