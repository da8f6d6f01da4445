import functools

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from blog.admin_inlines import JoinedRowsInline, OrderedRowsFormSet
from blog.editor import PostEditorMixin
from blog.forms import HashtagMergeForm, PostImportForm, RevisionCompareForm, TextareaField
from blog.import_jobs import (
    documents_import_enqueue,
    documents_report,
    log_imported,
    nothing_imported,
    runs_inline,
)
from blog.importers.batch import DocumentOutcome, import_documents, import_format_html
from blog.models import (
    Citation,
    Hashtag,
    Page,
    Post,
    PostHashtag,
    Series,
)
from blog.papers import admin as paper_admin  # noqa: F401  (registers PaperAdmin)
from blog.platforms.admin_views import import_job_view, platform_import_view, recent_import_jobs
from blog.publishing import PublishingMixin, publication_label
from blog.restore import RestoreVersionMixin
from blog.revisions import (
    ORIGIN_ADMIN,
    other_revision,
    post_history,
    readable_snapshot,
    record_post_revision,
    revision_diff,
    unrecorded_stored_version,
)
from blog.services import hashtags_merge, post_hashtags_from_text
from core.admin_input import BadInputAdminMixin


class PostHashtagInline(JoinedRowsInline):
    """The post's hashtags in order: rows move with Up/Down (post-editor.js), positions are
    kept hidden, and #Tags written in the text are added on save (post_hashtags_from_text)."""

    model = PostHashtag
    extra = 0
    autocomplete_fields = ["hashtag"]
    ordering = ["position"]
    formset = OrderedRowsFormSet
    formfield_overrides = {models.PositiveSmallIntegerField: {"widget": forms.HiddenInput}}


class CitationInline(JoinedRowsInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["paper"]
    ordering = ["position"]


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled (published status, dated in the future) or published (public now)."""

    title = "publication"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        now = timezone.now()
        published = queryset.filter(status=Post.Status.PUBLISHED)
        match self.value():
            case "draft":
                return queryset.drafts()
            case "scheduled":
                return published.filter(published_at__gt=now)
            case "published":
                return queryset.published()
        return queryset


def _documents(count: int) -> str:
    return "document" if count == 1 else "documents"


@admin.register(Post)
class PostAdmin(
    RestoreVersionMixin, PublishingMixin, PostEditorMixin, BadInputAdminMixin, admin.ModelAdmin
):
    list_display = [
        "title",
        "series",
        "author",
        "publication",
        "published_at",
        "comment_total",
    ]
    list_filter = [
        PublicationStateFilter,
        "status",
        "series",
        "author",
        ("hashtags", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["series", "author"]
    search_fields = ["title", "teaser", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["author", "series", "lead_image"]
    readonly_fields = ["source_ref", "view_on_site_link"]
    inlines = [PostHashtagInline, CitationInline]
    formfield_overrides = {models.TextField: {"form_class": TextareaField}}

    def get_queryset(self, request):
        # distinct: the hashtag filter joins another table.
        return (
            super().get_queryset(request).annotate(comment_total=Count("comments", distinct=True))
        )

    @admin.display(description="comments", ordering="comment_total")
    def comment_total(self, post):
        return post.comment_total

    @admin.display(description="publication", ordering="status")
    def publication(self, post):
        """Show draft, scheduled (with when it goes live) or published."""
        return publication_label(post)

    @admin.display(description="on the site")
    def view_on_site_link(self, post):
        if not post.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', post.get_absolute_url(), post.get_absolute_url())

    # --- Version history ----------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # A post saved before the history existed keeps the version it had: take it now,
        # before the save overwrites it (save_related stores it if the post changed).
        form.stored_version = unrecorded_stored_version(obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        post_hashtags_from_text(post=form.instance)
        # After the inlines: the version holds the new hashtags and citations too.
        record_post_revision(
            form.instance,
            user=request.user,
            origin=ORIGIN_ADMIN,
            before=getattr(form, "stored_version", None),
        )

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_revision"
        view = self.admin_site.admin_view(self.revision_view)
        # Before the default URLs, whose "<path:object_id>/" would catch this one.
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="blog_post_import"),
            path(
                "import/format/",
                self.admin_site.admin_view(self.import_format_view),
                name="blog_post_import_format",
            ),
            path(
                "import/platform/",
                self.admin_site.admin_view(
                    functools.partial(platform_import_view, model_admin=self)
                ),
                name="blog_post_import_platform",
            ),
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(functools.partial(import_job_view, model_admin=self)),
                name="blog_post_import_job",
            ),
            path("<path:object_id>/history/<int:number>/", view, name=name),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """Django's history (the admin log) with the post's numbered versions above it."""
        response = super().history_view(request, object_id, extra_context)
        if isinstance(response, TemplateResponse):  # not the redirect for a missing post
            response.context_data["revisions"] = post_history(response.context_data["object"])
        return response

    def revision_view(self, request, object_id, number):
        """Show one version of a post and its changes from the previous (or a chosen) one."""
        post = self.get_object(request, unquote(object_id))
        if post is None:
            raise Http404("No such post.")
        if not self.has_view_or_change_permission(request, post):
            raise PermissionDenied
        revision = get_object_or_404(post.revisions.select_related("user"), number=number)
        numbers = post.revisions.exclude(pk=revision.pk).values_list("number", flat=True)
        form = RevisionCompareForm(
            request.GET if "compare" in request.GET else None, numbers=numbers
        )
        other = other_revision(revision, form.cleaned_data["compare"] if form.is_valid() else None)
        older, newer = sorted([other, revision], key=lambda r: r.number) if other else (None, None)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Version {revision.number} of “{post}”",
            "subtitle": None,
            "opts": self.opts,
            "object": post,
            "revision": revision,
            "content": readable_snapshot(revision.snapshot),
            "older": older,
            "newer": newer,
            "diffs": revision_diff(older.snapshot, newer.snapshot) if older else [],
            "compare_form": form,
            "has_change_permission": self.has_change_permission(request, post),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/blog/post/revision.html", context)

    # --- Import documents -------------------------------------------------------------

    def has_import_permission(self, request) -> bool:
        """Importing creates and changes posts: it needs both permissions."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Upload post documents; import all of them, or none if any has an error."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        outcomes = None
        if request.method == "POST":
            form = PostImportForm(request.POST, request.FILES)
            if form.is_valid():
                documents = form.cleaned_data["documents"]
                options = {
                    "published_at": form.cleaned_data["published"],
                    "author_name": form.cleaned_data["author"],
                    "dry_run": form.cleaned_data["dry_run"],
                    "draft": form.cleaned_data["draft"],
                    "allow_unterminated": form.cleaned_data["allow_unterminated"],
                }
                if not runs_inline(sum(len(document.data) for document in documents)):
                    job = documents_import_enqueue(
                        documents=documents, options=options, user=request.user
                    )
                    return redirect(f"{self.admin_site.name}:blog_post_import_job", job.pk)
                outcomes = import_documents(
                    documents, **options, all_or_nothing=True, user=request.user
                )
                self._log_imports(request, outcomes)
                self._report_imports(request, outcomes, dry_run=form.cleaned_data["dry_run"])
        else:
            form = PostImportForm()
        fieldsets = [(None, {"fields": list(form.fields)})]
        context = {
            **self.admin_site.each_context(request),
            "title": "Import post documents",
            "opts": self.opts,
            "adminform": helpers.AdminForm(form, fieldsets, {}, model_admin=self),
            "form": form,
            "outcomes": outcomes,
            "report": documents_report(outcomes, dry_run=options["dry_run"]) if outcomes else None,
            "failed": [outcome for outcome in outcomes or [] if outcome.error],
            "dry_run": form.is_bound and form.cleaned_data.get("dry_run", False),
            "jobs": recent_import_jobs(),
            "inline_max_bytes": settings.IMPORT_INLINE_MAX_BYTES,
        }
        return TemplateResponse(request, "admin/blog/post/import.html", context)

    def import_format_view(self, request):
        """Show docs/import-format.md, the grammar of post documents, to the importing editor."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "The post document format",
            "opts": self.opts,
            "format_html": import_format_html(),
        }
        return TemplateResponse(request, "admin/blog/post/import_format.html", context)

    def _log_imports(self, request, outcomes: list[DocumentOutcome]) -> None:
        """Record each post written in the admin history, under the user who imported it."""
        for outcome in outcomes:
            if outcome.written and outcome.action != "unchanged":
                log_imported(request.user.pk, [(outcome.result.post, outcome.action)], outcome.name)

    def _report_imports(self, request, outcomes: list[DocumentOutcome], *, dry_run: bool) -> None:
        failed = sum(1 for outcome in outcomes if outcome.error)
        if failed:
            self.message_user(request, nothing_imported(failed, len(outcomes)), messages.ERROR)
        elif dry_run:
            self.message_user(
                request, "Dry run: nothing was saved. This is what would change.", messages.INFO
            )
        else:
            self.message_user(
                request, f"Imported {len(outcomes)} {_documents(len(outcomes))}.", messages.SUCCESS
            )


@admin.register(Series)
class SeriesAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Hashtag)
class HashtagAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]
    actions = ["merge"]

    @admin.action(description="Merge selected hashtags…", permissions=["change", "delete"])
    def merge(self, request, queryset):
        """Ask which selected hashtag to keep; on confirmation, merge the others into it."""
        tags = queryset.annotate(post_count=Count("post_hashtags")).order_by("name")
        selected = list(tags)
        if len(selected) < 2:
            self.message_user(request, "Select at least two hashtags to merge.", messages.WARNING)
            return None
        form = HashtagMergeForm(request.POST if "confirm" in request.POST else None, tags=tags)
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = [tag for tag in selected if tag.pk != target.pk]
            count = hashtags_merge(target=target, sources=sources, user=request.user)
            names = ", ".join(str(tag) for tag in sources)
            self.log_change(request, target, f"Merged {names} into this hashtag.")
            self.log_deletions(request, sources)
            self.message_user(
                request,
                f"Merged {names} into {target} ({count} post(s) relinked).",
                messages.SUCCESS,
            )
            return None  # back to the list
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge hashtags",
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "tags": selected,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "cancel_url": request.get_full_path(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/blog/hashtag/merge_confirmation.html", context)


@admin.register(Page)
class PageAdmin(BadInputAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ("title",)}
    exclude = ["body_html"]
