"""The admin pages that import a whole blog (Posts, Import documents, WordPress or Blogger)
and show a queued import's progress."""

from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from blog.import_jobs import import_jobs, log_imported, platform_import_enqueue, runs_inline
from blog.platforms.blogger import iter_blogger
from blog.platforms.forms import BLOGGER, PlatformImportForm
from blog.platforms.source import ImportFormatError
from blog.platforms.writer import import_items
from blog.platforms.wxr import iter_wxr

RECENT_JOBS = 5


def recent_import_jobs():
    """The latest queued imports, for the import pages' list. A queryset."""
    return import_jobs().select_related("requested_by")[:RECENT_JOBS]


def platform_import_view(request, *, model_admin):
    """Upload a WordPress or Blogger export and import it as `import_wordpress` would.

    A large export is stored and queued for the worker; the editor lands on its progress.
    """
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = PlatformImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["export"]
            platform = form.cleaned_data["platform"]
            options = form.import_options(request.user)
            if not runs_inline(upload.size):
                job = platform_import_enqueue(
                    upload=upload, platform=platform, options=options, user=request.user
                )
                return redirect(f"{model_admin.admin_site.name}:blog_post_import_job", job.pk)
            parse = iter_blogger if platform == BLOGGER else iter_wxr
            try:
                report = import_items(parse(upload), options=options)
            except ImportFormatError as error:
                form.add_error("export", error.format(upload.name))
            else:
                posts = model_admin.model.objects.in_bulk([pk for pk, _ in report.written])
                written = [(posts[pk], action) for pk, action in report.written]
                log_imported(request.user.pk, written, upload.name)
    else:
        form = PlatformImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a blog from WordPress or Blogger",
        "opts": model_admin.opts,
        "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
        "form": form,
        "summary": report.summary() if report else None,
        "report": report,
        "jobs": recent_import_jobs(),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/blog/post/import_platform.html", context)


def import_job_view(request, job_id, *, model_admin):
    """Show a queued import: its status, how far it is, and its report once it ends.

    The page reloads its status section by itself (static/js/import-job.js) and works
    without JavaScript (a Refresh link). Only staff who may import see it.
    """
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    job = get_object_or_404(import_jobs().select_related("requested_by"), pk=job_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Import of {job.name}",
        "opts": model_admin.opts,
        "job": job,
        "result": job.result or {},
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/blog/post/import_job.html", context)
