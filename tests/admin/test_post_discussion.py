"""The Discussion section of a post's change page: the thread with status and quick actions
for moderators, posting to CommentAdmin's moderate view."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.html import text_of

pytestmark = pytest.mark.django_db

PUBLISHED, PENDING = Comment.Status.PUBLISHED, Comment.Status.PENDING
SPAM, REMOVED = Comment.Status.SPAM, Comment.Status.REMOVED


@pytest.fixture
def thread(post):
    """a > b > c, then d and e: one comment of each status, three levels deep."""
    a = CommentFactory(post=post, author_name="Mouse Doctor", body="First on the post.")
    b = CommentFactory(post=post, parent=a, status=PENDING, body="A reply held for review.")
    c = CommentFactory(post=post, parent=b, body="A reply to the held reply.")
    d = CommentFactory(post=post, status=SPAM, body="Cheap pills here.")
    e = CommentFactory(post=post, status=REMOVED, body="Something rude.")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _staff(django_user_model, name, *, groups=(), perms=()):
    user = django_user_model.objects.create_user(name, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def moderator(django_user_model):
    return _staff(django_user_model, "mod", groups=["Moderators"])


@pytest.fixture
def editor(django_user_model):
    return _staff(django_user_model, "ed", groups=["Editors"])


@pytest.fixture
def viewer(django_user_model):
    return _staff(django_user_model, "viewer", perms=["view_post", "view_comment"])


def _change_url(post) -> str:
    return reverse("admin:blog_post_change", args=[post.pk])


def _moderate_url(comment) -> str:
    return reverse("admin:comments_comment_moderate", args=[comment.pk])


def _discussion(client, post):
    response = client.get(_change_url(post))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find("section", id="discussion")


def _rows(section) -> list[dict]:
    rows = []
    for tr in section.select("tbody tr"):
        cells = tr.find_all(["td", "th"], recursive=False)
        rows.append(
            {
                "level": text_of(cells[0]),
                "text": text_of(cells[1]),
                "status": text_of(cells[4]),
                "actions": [b["value"] for b in tr.select("button[name=action]")],
            }
        )
    return rows


def test_moderator_sees_the_thread_in_tree_order_with_levels_status_and_actions(
    moderator, post, thread
):
    rows = _rows(_discussion(moderator, post))

    assert [(r["level"], r["text"], r["status"], r["actions"]) for r in rows] == [
        ("1", "First on the post.", "Published", ["spam", "remove"]),
        (
            "2",
            f"Reply to #{thread['a'].pk} (Mouse Doctor): A reply held for review.",
            "Pending moderation",
            ["approve", "spam", "remove"],
        ),
        (
            "3",
            f"Reply to #{thread['b'].pk} (Anonymous): A reply to the held reply.",
            "Published",
            ["spam", "remove"],
        ),
        ("1", "Cheap pills here.", "Spam", ["remove", "restore"]),
        ("1", "Something rude.", "Removed", ["restore"]),
    ]


def test_counts_per_status_link_to_the_queue_filtered_to_the_post(moderator, post, thread):
    section = _discussion(moderator, post)
    queue = reverse("admin:comments_comment_changelist")

    counts = {text_of(a): a["href"] for a in section.find("ul").find_all("a")}
    thread_link = section.find("a", string="Open this thread in the moderation queue")

    assert counts == {
        "Published: 2": f"{queue}?post__id__exact={post.pk}&status__exact=published",
        "Pending moderation: 1": f"{queue}?post__id__exact={post.pk}&status__exact=pending",
        "Spam: 1": f"{queue}?post__id__exact={post.pk}&status__exact=spam",
        "Removed: 1": f"{queue}?post__id__exact={post.pk}&status__exact=removed",
    }
    assert thread_link["href"] == f"{queue}?post__id__exact={post.pk}"
    assert moderator.get(thread_link["href"]).status_code == 200


def test_each_comment_links_to_its_admin_page_and_to_the_site_when_readers_see_it(
    moderator, post, thread
):
    section = _discussion(moderator, post)

    links = {
        key: [a["href"] for a in section.find("tr", id=f"discussion-comment-{c.pk}").find_all("a")]
        for key, c in thread.items()
    }

    admin_link = {
        k: reverse("admin:comments_comment_change", args=[c.pk]) for k, c in thread.items()
    }
    # c is published but hidden under the pending b; the removed e has no visible reply.
    assert links == {
        "a": [admin_link["a"], thread["a"].get_absolute_url()],
        "b": [admin_link["b"]],
        "c": [admin_link["c"]],
        "d": [admin_link["d"]],
        "e": [admin_link["e"]],
    }


def test_editor_without_comment_permissions_does_not_see_the_section(editor, post, thread):
    response = editor.get(_change_url(post))

    assert response.status_code == 200
    assert b'id="discussion"' not in response.content
    assert b"First on the post." not in response.content


def test_staff_who_may_only_view_comments_see_the_thread_without_buttons(viewer, post, thread):
    section = _discussion(viewer, post)

    assert len(section.select("tbody tr")) == 5
    assert section.find("form") is None
    assert section.find(string="Actions") is None


def test_add_page_has_no_discussion(staff_client):
    response = staff_client.get(reverse("admin:blog_post_add"))

    assert response.status_code == 200
    assert b'id="discussion"' not in response.content


@pytest.mark.parametrize(
    ("key", "action", "status", "done"),
    [
        ("b", "approve", PUBLISHED, "approved"),
        ("b", "spam", SPAM, "marked as spam"),
        ("a", "remove", REMOVED, "removed"),
        ("d", "restore", PUBLISHED, "restored"),
        ("e", "restore", PUBLISHED, "restored"),
    ],
)
def test_quick_action_sets_the_status_and_returns_to_the_post(
    moderator, post, thread, key, action, status, done
):
    comment = thread[key]
    others = {k: c.status for k, c in thread.items() if k != key}

    response = moderator.post(_moderate_url(comment), {"action": action}, follow=True)

    comment.refresh_from_db()
    assert comment.status == status
    assert response.redirect_chain == [(_change_url(post) + "#discussion", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Comment #{comment.pk} by {comment.display_name} {done}."
    ]
    assert {k: Comment.objects.get(pk=c.pk).status for k, c in thread.items() if k != key} == others


def test_quick_action_is_recorded_in_the_comments_history(moderator, thread):
    moderator.post(_moderate_url(thread["b"]), {"action": "approve"})

    entry = LogEntry.objects.get(object_id=str(thread["b"].pk))
    assert (entry.user.username, entry.get_change_message()) == (
        "mod",
        "Approve (from the post's discussion)",
    )


def test_action_that_does_not_apply_changes_nothing_and_says_so(moderator, post, thread):
    response = moderator.post(_moderate_url(thread["a"]), {"action": "approve"}, follow=True)

    thread["a"].refresh_from_db()
    assert thread["a"].status == PUBLISHED
    assert [str(m) for m in response.context["messages"]] == [
        f"Comment #{thread['a'].pk} is published; that action does not apply to it."
    ]
    assert not LogEntry.objects.exists()


def test_moderating_a_missing_comment_is_not_found(moderator):
    response = moderator.post(
        reverse("admin:comments_comment_moderate", args=[999]), {"action": "approve"}
    )

    assert response.status_code == 404


def test_moderate_view_refuses_get(moderator, thread):
    assert moderator.get(_moderate_url(thread["b"])).status_code == 405


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_staff_without_change_permission_cannot_moderate(request, who, thread):
    client = request.getfixturevalue(who)

    response = client.post(_moderate_url(thread["b"]), {"action": "approve"})

    thread["b"].refresh_from_db()
    assert (response.status_code, thread["b"].status) == (403, PENDING)


def test_quick_action_needs_the_csrf_token_from_the_page(django_user_model, post, thread):
    client = Client(enforce_csrf_checks=True)
    user = django_user_model.objects.create_user("mod", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    url = _moderate_url(thread["b"])

    refused = client.post(url, {"action": "approve"})
    form = _discussion(client, post).find("form", action=url)
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    accepted = client.post(url, {"action": "approve", "csrfmiddlewaretoken": token})

    thread["b"].refresh_from_db()
    assert (refused.status_code, accepted.status_code, thread["b"].status) == (403, 302, PUBLISHED)


def _thread_of(post, size):
    """Comments in threads of up to three levels, every status represented."""
    statuses = [PUBLISHED, PENDING, SPAM, REMOVED]
    existing = post.comments.count()
    parent = None
    for i in range(existing, size):
        parent = None if i % 3 == 0 else parent
        parent = CommentFactory(
            post=post, parent=parent, status=statuses[i % 4], author_name=f"Reader {i}"
        )


@pytest.mark.parametrize("who", ["moderator", "staff_client"])
def test_discussion_runs_the_same_queries_for_3_and_60_comments(request, who, author):
    client = request.getfixturevalue(who)
    post = PostFactory(author=author)
    url = _change_url(post)
    client.get(url)  # warm per-process caches before counting

    counts = []
    for size in (3, 60):
        _thread_of(post, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        section = BeautifulSoup(response.content, "html.parser").find("section", id="discussion")
        assert len(section.select("tbody tr")) == size
        counts.append(len(queries))

    assert counts[0] == counts[1]
