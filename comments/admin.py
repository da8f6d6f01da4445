from django.contrib import admin
from mptt.admin import MPTTModelAdmin

from comments.models import Comment


@admin.register(Comment)
class CommentAdmin(MPTTModelAdmin):
    list_display = ["__str__", "post", "status", "created_at"]
    list_filter = ["status", "post"]
    list_select_related = ["post"]
    search_fields = ["author_name", "author_email", "body"]
    readonly_fields = ["source_ref", "created_at"]
    raw_id_fields = ["post", "parent"]
