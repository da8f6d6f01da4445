from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.utils.html import format_html
from django.utils.text import Truncator
from mptt.admin import MPTTModelAdmin

from comments.models import Comment
from comments.services import comments_set_status

# The moderation queue shows pending comments first, then spam, then the rest.
QUEUE_ORDER = Case(
    When(status=Comment.Status.PENDING, then=Value(0)),
    When(status=Comment.Status.SPAM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _status_action(status: str, label: str):
    @admin.action(description=label, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = comments_set_status(queryset, status)
        modeladmin.message_user(request, f"{count} comment(s) marked {status}.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    """The moderation queue: pending first, with bulk approve / spam / remove / restore."""

    list_display = ["excerpt", "display_name", "post", "status", "created_at", "on_site"]
    list_filter = ["status", "post"]
    list_select_related = ["post"]
    list_per_page = 100
    search_fields = ["author_name", "author_email", "body"]
    readonly_fields = ["post", "parent", "source_ref", "created_at", "ip_address", "on_site"]
    fields = [
        "post",
        "parent",
        "author_name",
        "author_email",
        "body",
        "status",
        "notify_replies",
        "created_at",
        "ip_address",
        "source_ref",
        "on_site",
    ]
    mptt_level_indent = 16
    actions = [
        _status_action(Comment.Status.PUBLISHED, "Approve (publish) selected comments"),
        _status_action(Comment.Status.SPAM, "Mark selected comments as spam"),
        _status_action(Comment.Status.REMOVED, "Remove selected comments"),
        _status_action(Comment.Status.PUBLISHED, "Restore selected comments"),
    ]
    actions[3].__name__ = "restore"

    def get_ordering(self, request):
        # With a post filter the thread shows as a tree; otherwise the queue order.
        if "post__id__exact" in request.GET:
            return ["tree_id", "lft"]
        return [QUEUE_ORDER.asc(), "-created_at", "tree_id", "lft"]

    def has_add_permission(self, request):
        return False  # comments come from readers or the importer

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="name", ordering="author_name")
    def display_name(self, comment):
        return comment.display_name

    @admin.display(description="on the site")
    def on_site(self, comment):
        if comment.pk is None:
            return "—"
        return format_html('<a href="{}">view</a>', comment.get_absolute_url())
