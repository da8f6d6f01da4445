from django.contrib import admin

from authors.models import Author
from authors.services import is_default_author
from core.admin_input import BadInputAdminMixin


@admin.register(Author)
class AuthorAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "user", "default_author"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["user"]

    @admin.display(description="Default author for imports", boolean=True)
    def default_author(self, author: Author) -> bool:
        """Pages that name no author are imported under this one (BLOG_DEFAULT_AUTHOR)."""
        return is_default_author(author)
