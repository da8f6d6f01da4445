from django.contrib import admin

from authors.models import Author
from config.admin_input import BadInputAdminMixin


@admin.register(Author)
class AuthorAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["user"]
