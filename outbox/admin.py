from django.contrib import admin

from core.admin_input import BadInputAdminMixin
from outbox.models import Address, Job, Message


@admin.register(Message)
class MessageAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "status", "attempts", "next_attempt_at", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Address)
class AddressAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["email", "confirmation_sent_at", "confirmed_at"]
    search_fields = ["email"]
    readonly_fields = ["confirmation_sent_at", "confirmed_at"]


@admin.register(Job)
class JobAdmin(BadInputAdminMixin, admin.ModelAdmin):
    """Jobs as the worker sees them (read-only); each app shows its own on its pages."""

    list_display = ["name", "kind", "status", "done", "total", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
