import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse

from images.html import ImageSource, Source


def _upload_folder() -> str:
    return f"images/{uuid.uuid4().hex}"


class Image(models.Model):
    """An uploaded picture, kept as renditions made once at upload (the upload is not kept).

    `renditions` lists the files made ({"width", "height", "format", "name"}), so a page
    needs no query beyond the image's own row to write its `srcset`.
    """

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"

    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text=(
            "What the image shows, for readers who cannot see it (screen readers, images off). "
            "Required."
        ),
    )
    caption = models.TextField(blank=True, help_text="Shown under the image; optional.")
    credit = models.CharField(
        max_length=200, blank=True, help_text="Who made or owns the image; shown after the caption."
    )
    format = models.CharField(max_length=4, choices=Format, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    folder = models.CharField(max_length=100, editable=False, default=_upload_folder)
    renditions = models.JSONField(default=list, editable=False)
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Image {self.pk}: {self.alt_text}"

    def get_absolute_url(self) -> str:
        return reverse("admin:images_image_change", args=[self.pk])

    def markdown(self) -> str:
        """Return the Markdown that places this image as a figure in a post's body."""
        return f"![{self.alt_text}](image:{self.pk})"

    def source(self) -> ImageSource:
        """Return what HTML needs to show the image: its files' URLs, sizes and texts."""
        return ImageSource(
            pk=self.pk,
            alt=self.alt_text,
            caption=self.caption,
            credit=self.credit,
            width=self.width,
            height=self.height,
            sources=tuple(
                Source(
                    url=default_storage.url(item["name"]),
                    width=item["width"],
                    height=item["height"],
                    format=item["format"],
                )
                for item in self.renditions
            ),
            fallback_format=self.format,
        )

    def largest(self) -> Source:
        """Return the largest rendition in the image's own format (for OpenGraph, JSON-LD)."""
        return self.source().fallback()
