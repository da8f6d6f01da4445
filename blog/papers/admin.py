"""The paper admin: a paste box and a lookup that fill the form for review."""

import contextlib

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from blog.models import Post
from blog.papers import lookup
from blog.papers.fill import filled_data
from blog.papers.forms import LOOKUP_BUTTON, READ_BUTTON, PaperAdminForm
from blog.papers.models import AbstractSection, Paper
from blog.papers.paste import PasteError, parse_pasted
from core.admin_input import BadInputAdminMixin


class AbstractSectionInline(admin.StackedInline):
    model = AbstractSection
    extra = 0
    ordering = ["position"]


@admin.register(Paper)
class PaperAdmin(BadInputAdminMixin, admin.ModelAdmin):
    form = PaperAdminForm
    list_display = ["authors", "title", "journal", "published_on", "doi", "pmid"]
    list_filter = ["journal", "epub_ahead_of_print"]
    search_fields = ["authors", "title", "journal", "doi", "pmid", "pmcid"]
    date_hierarchy = "published_on"
    readonly_fields = ["citing_posts"]
    inlines = [AbstractSectionInline]
    change_form_template = "admin/blog/paper/change_form.html"
    fieldsets = [
        (None, {"fields": ["paste"]}),
        (
            "Citation",
            {
                "fields": [
                    "authors_text",
                    "title",
                    "journal",
                    ("published_on", "date_precision"),
                    ("volume", "issue", "pages_text"),
                    "epub_ahead_of_print",
                ]
            },
        ),
        ("Identifiers", {"fields": ["doi", "pmid", "pmcid"]}),
        (None, {"fields": ["citing_posts"]}),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Before the form is built, write in what the paste or the lookup gives."""
        request.paper_fill_message = ""
        if request.method == "POST" and READ_BUTTON in request.POST:
            # What cannot be read is left as typed: the form names the part at fault.
            with contextlib.suppress(PasteError):
                request.POST = filled_data(request.POST, parse_pasted(request.POST["paste"]))
        elif request.method == "POST" and LOOKUP_BUTTON in request.POST:
            self._look_up(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _look_up(self, request) -> None:
        doi, pmid = request.POST.get("doi", ""), request.POST.get("pmid", "")
        try:
            record = lookup.look_up(doi=doi, pmid=pmid)
        except lookup.LookupFailed as error:
            request.paper_fill_message = f"{error} Nothing was filled in; paste the citation."
        else:
            request.POST = filled_data(request.POST, record)
            request.paper_fill_message = f"Looked up in {record.kind}: check, then save."

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.fill_message = getattr(request, "paper_fill_message", "")
        return form

    def save_related(self, request, form, formsets, change):
        """Number the abstract's sections 0, 1, 2… in order once old ones are gone."""
        super().save_related(request, form, formsets, change)
        sections = list(form.instance.abstract_sections.order_by("position", "pk"))
        with transaction.atomic():
            for section in sections:  # out of the way first: (paper, position) is unique
                section.position += 10000
            AbstractSection.objects.bulk_update(sections, ["position"])
            for position, section in enumerate(sections):
                section.position = position
            AbstractSection.objects.bulk_update(sections, ["position"])

    @admin.display(description="cited by")
    def citing_posts(self, paper):
        """List the posts citing the paper, linked to their admin pages (one query)."""
        if paper.pk is None:
            return "—"
        posts = Post.objects.filter(citations__paper=paper).order_by("-published_at", "-pk")
        if not posts:
            return "No post cites this paper yet."
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (reverse("admin:blog_post_change", args=[post.pk]), post.title, post.status)
                for post in posts
            ),
        )
        return format_html("<ul>{}</ul>", items)
