from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from mptt.admin import MPTTModelAdmin

from comments.models import Comment
from comments.moderation import MODERATION_ACTIONS, ModerationAction, moderation_action
from comments.services import comment_delete, comments_delete, comments_set_status
from core.admin_input import BadInputAdminMixin

# The moderation queue shows pending comments first, then spam, then the rest.
QUEUE_ORDER = Case(
    When(status=Comment.Status.PENDING, then=Value(0)),
    When(status=Comment.Status.SPAM, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _comments(count: int) -> str:
    """Return "1 comment", "2 comments"."""
    return f"{count} comment{'' if count == 1 else 's'}"


def _bulk_action(action: ModerationAction):
    """The changelist's form of a quick action: it changes only the selected comments it
    applies to (MODERATION_ACTIONS), as the post page's buttons do."""

    @admin.action(description=f"{action.label} selected comments", permissions=["change"])
    def bulk(modeladmin, request, queryset):
        applicable = queryset.filter(status__in=action.applies_to)
        skipped = queryset.count() - applicable.count()
        count = comments_set_status(applicable, action.status)
        modeladmin.message_user(request, f"{_comments(count)} {action.done}.", messages.SUCCESS)
        if skipped:
            modeladmin.message_user(
                request,
                f"{_comments(skipped)} left as they were: {action.label.lower()} does not "
                "apply to their status.",
                messages.WARNING,
            )

    bulk.__name__ = action.name
    return bulk


@admin.register(Comment)
class CommentAdmin(BadInputAdminMixin, MPTTModelAdmin):
    """The moderation queue: pending first, with bulk approve / spam / remove / restore.

    Deletes (bulk or from the change page) go through comments.services, under the tree's
    lock; comments are never moved here (their parent is read-only).
    """

    list_display = ["excerpt", "display_name", "post_title", "status", "created_at", "on_site"]
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
    actions = [_bulk_action(action) for action in MODERATION_ACTIONS]

    def get_ordering(self, request):
        # With a post filter the thread shows as a tree; otherwise the queue order.
        if "post__id__exact" in request.GET:
            return ["tree_id", "lft"]
        return [QUEUE_ORDER.asc(), "-created_at", "tree_id", "lft"]

    def get_urls(self):
        moderate = path(
            "<int:object_id>/moderate/",
            self.admin_site.admin_view(self.moderate_view),
            name="comments_comment_moderate",
        )
        return [moderate, *super().get_urls()]

    def moderate_view(self, request, object_id):
        """Apply one quick action (approve, spam, remove, restore) from the Discussion
        section of a post's change page, then go back there with a message.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = self.get_object(request, object_id)
        if comment is None:
            raise Http404("No such comment.")
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        action = moderation_action(request.POST.get("action", ""), comment.status)
        if action is None:
            self.message_user(
                request,
                f"Comment #{comment.pk} is {comment.get_status_display().lower()}; "
                "that action does not apply to it.",
                messages.WARNING,
            )
        else:
            comments_set_status(Comment.objects.filter(pk=comment.pk), action.status)
            self.log_change(request, comment, f"{action.label} (from the post's discussion)")
            self.message_user(
                request,
                f"Comment #{comment.pk} by {comment.display_name} {action.done}.",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:blog_post_change", args=[comment.post_id]) + "#discussion")

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Django's own delete action (a confirmation page, then delete_queryset), not
        # mptt's delete_selected_tree, which deletes without the tree's lock.
        return admin.ModelAdmin.get_actions(self, request, action_location=action_location)

    def delete_model(self, request, obj):
        comment_delete(obj)

    def delete_queryset(self, request, queryset):
        comments_delete(queryset)

    def has_add_permission(self, request):
        return False  # comments come from readers or the importer

    class Media:
        css = {"all": ["css/admin-moderation.css"]}

    @admin.display(description="post", ordering="post__title")
    def post_title(self, comment):
        # Short, so the queue fits a 1280-pixel screen; the whole title is its tooltip.
        return format_html(
            '<span title="{}">{}</span>', comment.post.title, Truncator(comment.post.title).words(6)
        )

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
