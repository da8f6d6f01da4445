"""The post form's Publish control: Save draft, Publish now, Schedule, Unpublish.

The buttons (templates/admin/blog/post/submit_line.html) send `_publish` with the action;
`apply_publish_action` sets the status and time. Plain Save keeps what the form says.
A scheduled post is a published post dated in the future: readers, feeds, the sitemap
and the caches pick it up at its time with no process running (PostQuerySet.published,
blog.caching's site version expires when the next one is due).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from blog.models import Post

DRAFT, NOW, SCHEDULE, UNPUBLISH = "draft", "now", "schedule", "unpublish"
ACTIONS = {DRAFT, NOW, SCHEDULE, UNPUBLISH}


def publish_action(data) -> str | None:
    """Return the Publish button pressed, if any."""
    action = data.get("_publish")
    return action if action in ACTIONS else None


def apply_publish_action(post: Post, action: str | None, *, now=None) -> None:
    """Set the post's status (and, to publish now, its time) as the button says."""
    now = now or timezone.now()
    if action in (DRAFT, UNPUBLISH):
        post.status = Post.Status.DRAFT
    elif action == NOW:
        if not post.is_published():  # a post already public keeps its date
            post.published_at = now
        post.status = Post.Status.PUBLISHED
    elif action == SCHEDULE:
        post.status = Post.Status.PUBLISHED


def publication_label(post: Post, *, now=None) -> str:
    """Return "Draft", "Scheduled for <local time>" or "Published", for the post list."""
    now = now or timezone.now()
    if post.status == Post.Status.DRAFT:
        return "Draft"
    if post.published_at > now:
        when = formats.date_format(timezone.localtime(post.published_at), "j M Y, H:i")
        return f"Scheduled for {when}"
    return "Published"


class PublishingMixin:
    """PostAdmin's publishing parts: the buttons' effect, scheduling checks, View on site."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class PublishingForm(form_class):
            def clean(self):
                cleaned = super().clean()
                when = cleaned.get("published_at")
                if publish_action(self.data) == SCHEDULE and when and when <= timezone.now():
                    self.add_error(
                        "published_at",
                        "To schedule the post, pick a time in the future "
                        f"({settings.TIME_ZONE} time).",
                    )
                return cleaned

        if "published_at" in form_class.base_fields:
            field = form_class.base_fields["published_at"]
            field.label = "Publication time"
            field.help_text = (
                f"In the blog's time zone ({settings.TIME_ZONE}). "
                "“Schedule” publishes the post at this time."
            )
        return PublishingForm

    def save_model(self, request, obj, form, change):
        apply_publish_action(obj, publish_action(request.POST))
        super().save_model(request, obj, form, change)

    def get_view_on_site_url(self, obj=None):
        """A post readers cannot see yet opens in the staff preview, not on a 404."""
        if obj is not None and obj.pk and not obj.is_published():
            return reverse("blog:post-preview", kwargs={"pk": obj.pk})
        return super().get_view_on_site_url(obj)
