"""The admin page that imports a whole blog: Posts, Import documents, WordPress or Blogger."""

from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from blog.platforms.blogger import iter_blogger
from blog.platforms.forms import BLOGGER, PlatformImportForm
from blog.platforms.report import CREATED
from blog.platforms.source import ImportFormatError
from blog.platforms.writer import import_items
from blog.platforms.wxr import iter_wxr


def _log(request, model_admin, report, name: str) -> None:
    """Record each post written in the admin history, under the user who imported it."""
    posts = model_admin.model.objects.in_bulk([pk for pk, _ in report.written])
    for pk, action in report.written:
        message = f"Imported from {name}"
        if action == CREATED:
            model_admin.log_addition(request, posts[pk], message)
        else:
            model_admin.log_change(request, posts[pk], message)


def platform_import_view(request, *, model_admin):
    """Upload a WordPress or Blogger export and import it as `import_wordpress` would."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = PlatformImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["export"]
            parse = iter_blogger if form.cleaned_data["platform"] == BLOGGER else iter_wxr
            try:
                report = import_items(parse(upload), options=form.import_options(request.user))
            except ImportFormatError as error:
                form.add_error("export", error.format(upload.name))
            else:
                _log(request, model_admin, report, upload.name)
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
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/blog/post/import_platform.html", context)
