from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import TimeStampedModel


class Author(TimeStampedModel):
    """A person who writes posts, as shown in the post's "About the author" box."""

    name = models.CharField(max_length=120, help_text="Display name, e.g. “Prof G”.")
    slug = models.SlugField(max_length=140, unique=True)
    bio = models.TextField(blank=True, help_text="One paragraph shown under the author's name.")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="Optional staff account of this author.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blog:author-detail", kwargs={"slug": self.slug})
