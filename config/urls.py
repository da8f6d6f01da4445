from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView
from django.views.static import serve

from blog.sitemaps import sitemaps
from config.health import health

# A database outage answers 503 (config.errors); other failures Django's 500 page.
handler500 = "config.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots-txt",
    ),
    path("", include("comments.urls")),
    path("", include("outbox.urls")),
    path("", include("blog.urls")),
]


def media(request, path):
    """Serve an uploaded file from MEDIA_ROOT (read per request, so tests may move it)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    # Development only: in production the object store (or a CDN) serves uploads.
    urlpatterns.insert(0, path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"))
