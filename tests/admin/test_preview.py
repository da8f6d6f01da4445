"""Staff preview any post, drafts included, from the post's change form."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(author):
    return PostFactory(author=author, title="Unfinished thoughts", status=Post.Status.DRAFT)


def test_staff_sees_a_draft_as_readers_will(staff_client, draft):
    response = staff_client.get(reverse("blog:post-preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 200
    assert "blog/post_detail.html" in [t.name for t in response.templates]
    assert "Unfinished thoughts" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_draft_is_not_found_at_its_public_address(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, draft):
    response = client.get(reverse("blog:post-preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_is_forbidden(client, django_user_model, draft):
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))

    response = client.get(reverse("blog:post-preview", kwargs={"pk": draft.pk}))

    assert response.status_code == 403


def test_staff_without_post_permission_is_forbidden(client, django_user_model, draft):
    client.force_login(
        django_user_model.objects.create_user("helper", password="pw", is_staff=True)
    )

    assert client.get(reverse("blog:post-preview", kwargs={"pk": draft.pk})).status_code == 403


def test_editor_can_preview(client, django_user_model, draft):
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    assert client.get(reverse("blog:post-preview", kwargs={"pk": draft.pk})).status_code == 200


def test_change_form_links_to_preview(staff_client, draft):
    response = staff_client.get(reverse("admin:blog_post_change", args=[draft.pk]))

    assert reverse("blog:post-preview", kwargs={"pk": draft.pk}) in response.content.decode()
