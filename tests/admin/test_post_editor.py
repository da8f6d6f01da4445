"""The post editor's live preview endpoint (blog/editor.py)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.editor import reading_minutes, word_count
from images.services import image_create
from tests.images.conftest import image_bytes

pytestmark = pytest.mark.django_db

URL = "/admin/blog/post/preview/"


def test_the_preview_url_is_the_admins():
    assert reverse("admin:blog_post_body_preview") == URL


def test_preview_renders_unsaved_markdown_as_saving_would(staff_client):
    image = image_create(data=image_bytes("JPEG", size=(900, 600)), alt_text="An MRI")
    body = f'## Findings\n\nMacrophages in **NMO** #MSResearch\n\n![](image:{image.pk} "Day 1")'
    response = staff_client.post(URL, {"body": body, "body_format": "markdown", "teaser": "Why?"})
    assert response.status_code == 200
    data = response.json()
    assert "<h2>Findings</h2>" in data["html"]
    assert "<strong>NMO</strong>" in data["html"]
    assert '<a class="hashtag" href="/tags/msresearch/"' in data["html"]
    assert "<figure" in data["html"] and "<figcaption>Day 1</figcaption>" in data["html"]
    # "Why?", then "Findings" and "Macrophages in NMO #MSResearch"
    assert data["words"] == 1 + 5
    assert data["reading_minutes"] == 1


def test_preview_escapes_html_typed_into_markdown(staff_client):
    data = staff_client.post(
        URL, {"body": "<script>alert(1)</script>", "body_format": "markdown"}
    ).json()
    assert "<script>" not in data["html"]
    assert "&lt;script&gt;" in data["html"]


def test_preview_needs_post_and_csrf(staff_client, client, django_user_model):
    assert staff_client.get(URL).status_code == 405
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(django_user_model.objects.get(username="editor"))
    response = csrf_client.post(URL, {"body": "x", "body_format": "markdown"})
    assert response.status_code == 403


def test_preview_is_for_staff_who_write_posts(client, django_user_model):
    assert client.post(URL, {"body": "x", "body_format": "markdown"}).status_code == 302
    moderator = django_user_model.objects.create_user("mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    assert client.post(URL, {"body": "x", "body_format": "markdown"}).status_code == 403


def test_a_bad_format_is_a_clear_error(staff_client):
    response = staff_client.post(URL, {"body": "x", "body_format": "docx"})
    assert response.status_code == 400
    assert "body_format" in response.json()["error"]


def test_words_and_reading_time():
    assert word_count("Alemtuzumab-induced lymphopenia isn't rare; 40 patients.") == 6
    assert reading_minutes(0) == 0
    assert reading_minutes(1) == 1
    assert reading_minutes(200) == 1
    assert reading_minutes(201) == 2


def test_the_add_and_change_forms_carry_the_editor(staff_client, post):
    for url in ["/admin/blog/post/add/", f"/admin/blog/post/{post.pk}/change/"]:
        page = staff_client.get(url).text
        assert 'id="post-editor-config"' in page
        assert "js/post-editor.js" in page
        assert URL in page
