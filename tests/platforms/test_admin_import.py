"""Importing a WordPress or Blogger export from the admin (Posts > Import documents)."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Post, PostRevision
from comments.models import Comment
from tests.html import text_of

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
URL = reverse("admin:blog_post_import_platform")


def upload(client, path: Path, **fields):
    export = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")
    data = {"platform": "wordpress", "pingbacks": "skip", "export": export, **fields}
    return client.post(URL, data)


def test_the_document_import_page_links_to_the_platform_import(staff_client):
    response = staff_client.get(reverse("admin:blog_post_import"))
    assert URL in response.content.decode()


def test_an_editor_imports_a_wordpress_export_and_sees_the_report(staff_client):
    response = upload(staff_client, FIXTURES / "wordpress" / "export.xml")
    assert response.status_code == 200
    report = text_of(_report(response))
    assert "Posts: 5 created, 0 updated, 0 unchanged, 0 skipped" in report
    assert "wp:10 “About this blog”: a WordPress page, not a post" in report
    assert Post.objects.count() == 5 and Comment.objects.count() == 15
    entries = LogEntry.objects.filter(
        action_flag=ADDITION, change_message="Imported from export.xml"
    )
    assert entries.count() == 5
    assert {e.user.username for e in entries} == {"editor"}
    revision = PostRevision.objects.get(post__source_ref="wp:4")
    assert (revision.origin, revision.user.username) == ("import", "editor")


def _report(response):
    return BeautifulSoup(response.content, "html.parser").find(id="import-report")


def test_a_dry_run_from_the_admin_saves_nothing(staff_client):
    response = upload(staff_client, FIXTURES / "blogger" / "export.xml",
                      platform="blogger", dry_run="on")  # fmt: skip
    assert "Dry run: nothing was saved" in response.content.decode()
    assert "Posts: 3 created" in text_of(_report(response))
    assert not Post.objects.exists()


def test_a_file_that_is_not_an_export_comes_back_with_the_line(staff_client):
    response = upload(staff_client, FIXTURES / "blogger" / "export.xml")  # as WordPress
    assert response.status_code == 200
    errors = response.context["form"].errors["export"]
    assert errors == [
        "export.xml:1: not a WordPress export (WXR): the document is <feed> without the "
        "WordPress export namespace http://wordpress.org/export/1.2/ "
        "(for a Blogger export use import_blogger)"
    ]
    assert response.context["form"]["platform"].value() == "wordpress"  # the choices kept
    assert not Post.objects.exists()


def test_staff_who_may_not_add_posts_cannot_import(client, django_user_model):
    moderator = django_user_model.objects.create_user("mod", password="pw", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    assert client.get(URL).status_code == 403
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(URL).status_code == 200
