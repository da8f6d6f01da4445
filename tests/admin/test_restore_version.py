"""Restoring an older version of a post from its history (blog/restore.py)."""

import pytest

from blog.models import Post
from blog.revisions import record_post_revision
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_post(author, django_user_model):
    post = PostFactory(author=author, title="First title", body="First body #Alpha", tags=["Alpha"])
    record_post_revision(post, origin="admin")
    post.title = "Second title"
    post.body = "Second body, rewritten."
    post.save()
    post.post_hashtags.all().delete()
    record_post_revision(post, origin="admin")
    return post


def test_restoring_makes_a_new_version_and_keeps_every_old_one(staff_client, edited_post, client):
    url = f"/admin/blog/post/{edited_post.pk}/history/1/restore/"
    response = staff_client.post(url, follow=True)
    assert "Version 1 restored as version 3" in response.text
    edited_post.refresh_from_db()
    assert (edited_post.title, edited_post.body) == ("First title", "First body #Alpha")
    assert [tag.name for tag in edited_post.hashtag_list()] == ["Alpha"]
    assert list(edited_post.revisions.values_list("number", "origin")) == [
        (3, "restore of version 1"),
        (2, "admin"),
        (1, "admin"),
    ]
    assert edited_post.revisions.get(number=2).snapshot["title"] == "Second title"
    assert edited_post.status == Post.Status.PUBLISHED  # still public, same address
    assert "First title" in client.get(edited_post.get_absolute_url()).text


def test_restore_needs_post_and_the_change_permission(staff_client, edited_post):
    from django.test import Client

    url = f"/admin/blog/post/{edited_post.pk}/history/1/restore/"
    assert staff_client.get(url).status_code == 405
    assert Client().post(url).status_code == 302  # to the login page
    edited_post.refresh_from_db()
    assert edited_post.title == "Second title"


def test_the_version_page_has_the_restore_button(staff_client, edited_post):
    page = staff_client.get(f"/admin/blog/post/{edited_post.pk}/history/1/").text
    assert ">Restore this version</button>" in page
