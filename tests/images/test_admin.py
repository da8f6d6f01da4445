"""Uploading images in the admin: checked by decoding, alt text required."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from images.models import Image
from tests.images.conftest import image_bytes

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/images/image/add/"


def _upload(data: bytes, name: str = "figure.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_an_editor_uploads_an_image_and_gets_its_markdown(staff_client, media_root):
    response = staff_client.post(
        ADD_URL,
        {
            "upload": _upload(image_bytes("WEBP")),
            "alt_text": "Brain MRI",
            "caption": "",
            "credit": "",
        },
        follow=True,
    )
    image = Image.objects.get()
    assert image.format == "WEBP"
    assert image.original_name == "figure.jpg"  # the name said JPEG; the decoder said WebP
    assert f"![Brain MRI](image:{image.pk})" in response.text
    assert {item["format"] for item in image.renditions} == {"WEBP"}
    listing = staff_client.get("/admin/images/image/").text
    assert 'loading="lazy"' in listing


def test_alt_text_is_required_and_the_form_keeps_what_was_typed(staff_client, media_root):
    response = staff_client.post(
        ADD_URL, {"upload": _upload(image_bytes("PNG")), "alt_text": "", "caption": "My caption"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "My caption" in response.text
    assert Image.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_with_a_reason(staff_client, media_root):
    response = staff_client.post(
        ADD_URL, {"upload": _upload(b"<?php echo 1; ?>", "photo.jpg"), "alt_text": "Photo"}
    )
    assert response.status_code == 200
    assert "The file is not an image" in response.text
    assert Image.objects.count() == 0


def test_changing_an_image_edits_its_texts_only(staff_client, media_root):
    staff_client.post(ADD_URL, {"upload": _upload(image_bytes()), "alt_text": "Old"})
    image = Image.objects.get()
    url = f"/admin/images/image/{image.pk}/change/"
    page = staff_client.get(url).text
    assert 'name="upload"' not in page
    staff_client.post(url, {"alt_text": "New alt", "caption": "Cap", "credit": "Me"})
    image.refresh_from_db()
    assert (image.alt_text, image.caption, image.credit) == ("New alt", "Cap", "Me")


def test_an_image_a_post_shows_cannot_be_deleted(staff_client):
    from images.services import image_create
    from tests.factories import PostFactory

    figure = image_create(data=image_bytes("PNG", size=(80, 60)), alt_text="Figure")
    lead = image_create(data=image_bytes("PNG", size=(80, 60)), alt_text="Lead")
    unused = image_create(data=image_bytes("PNG", size=(80, 60)), alt_text="Unused")
    PostFactory(title="Figures post", body=f"![](image:{figure.pk})", lead_image=lead)
    for image in (figure, lead):
        url = f"/admin/images/image/{image.pk}/delete/"
        page = staff_client.get(url).text
        assert "would require deleting the following protected related objects" in page
        assert "Figures post" in page
        staff_client.post(url, {"post": "yes"})
        assert Image.objects.filter(pk=image.pk).exists()
    staff_client.post(f"/admin/images/image/{unused.pk}/delete/", {"post": "yes"})
    assert not Image.objects.filter(pk=unused.pk).exists()
