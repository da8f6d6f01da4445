from django.contrib import admin

from core.admin_input import BadInputAdminMixin
from outbox.models import Address, Message


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
