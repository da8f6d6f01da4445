from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from blog.models import AbstractSection, Citation, Hashtag, Paper, Post, PostHashtag, Series


class PostHashtagInline(admin.TabularInline):
    model = PostHashtag
    extra = 0
    autocomplete_fields = ["hashtag"]
    ordering = ["position"]


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["paper"]
    ordering = ["position"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "series", "author", "status", "published_at", "comment_total"]
    list_filter = ["status", "series", "author"]
    list_select_related = ["series", "author"]
    search_fields = ["title", "teaser", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["author", "series"]
    readonly_fields = ["source_ref", "view_on_site_link"]
    inlines = [PostHashtagInline, CitationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(comment_total=Count("comments"))

    @admin.display(description="comments", ordering="comment_total")
    def comment_total(self, post):
        return post.comment_total

    @admin.display(description="on the site")
    def view_on_site_link(self, post):
        if not post.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), post.get_absolute_url())


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]


class AbstractSectionInline(admin.StackedInline):
    model = AbstractSection
    extra = 0
    ordering = ["position"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["authors", "title", "journal", "published_on", "doi", "pmid"]
    list_filter = ["journal", "epub_ahead_of_print"]
    search_fields = ["authors", "title", "journal", "doi", "pmid"]
    date_hierarchy = "published_on"
    inlines = [AbstractSectionInline]
