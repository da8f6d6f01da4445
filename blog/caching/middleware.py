"""The post page answered from the cache before the rest of the site's middleware runs."""

from functools import lru_cache

from django.conf import settings
from django.urls import Resolver404, resolve

from blog.caching.post_page import PostPageCaching

# The URL names of a post's pages (blog/urls.py): page 1 is the post's own address.
POST_PAGES = frozenset({"blog:post-detail", "blog:post-comments-page"})


@lru_cache(maxsize=4096)
def post_page_slug(urlconf: str, path: str) -> str | None:
    """Return the slug of the post whose page `path` is under `urlconf`, or None.
    Remembered per path (URL resolution is a tenth of a 304's cost): a URLconf is
    fixed while the process runs, and the test settings that swap it name another."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    if match.view_name not in POST_PAGES or match.kwargs.get("page") == 1:
        return None  # page 1's own address is the post's: the view redirects
    return match.kwargs["slug"]


class PostPageCacheMiddleware:
    """Answer a post page from the cache with no session, CSRF, authentication,
    messages or view: a revalidation of an unchanged page gets its 304, a reader
    without personal cookies gets the stored whole page (`PostPageCaching.early_answer`).

    It sits under HTTPS, static files, compression and read-your-writes, and over the
    rest (config/settings.py). The headers those lower layers give a page
    (X-Frame-Options, Content-Security-Policy, ...) are stored with it, because on the
    way out of a page that was built, this middleware is what stores it
    (`PostPageCaching.store`). Any other request goes down the stack untouched; the
    view reuses the versions read here (`PostPageCaching.for_request`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        caching = self._caching(request)
        try:
            if caching is not None and (answer := caching.early_answer()) is not None:
                return answer
            response = self.get_response(request)
            if caching is not None:
                caching.store(response)
            return response
        finally:
            # The request and its caching refer to each other (and a class-based view
            # that built the page sits in a cycle of its own): part them and drop the
            # stored page read, or its bytes wait for the garbage collector's full pass.
            request.__dict__.pop("post_page_caching", None)
            if caching is not None:
                caching.forget_stored_page()

    @staticmethod
    def _caching(request) -> PostPageCaching | None:
        if request.method not in ("GET", "HEAD"):
            return None
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        slug = post_page_slug(urlconf, request.path_info)
        if slug is None:
            return None
        request.post_page_caching = PostPageCaching(request, slug)
        return request.post_page_caching
