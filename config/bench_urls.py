"""The site's URLs plus `/bench/hello/`; used only by config.bench_settings."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import handler500  # noqa: F401  (the root URLconf names the error handler)


def hello(request):
    """Return a constant answer through the full middleware stack: the framework's ceiling."""
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("config.urls")),
]
