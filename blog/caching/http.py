"""HTTP caching: validators (ETag, Last-Modified) from version tokens, who may keep a
page (Cache-Control, Vary), and conditional GETs on the pages the site version covers."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from blog.caching.versions import Version, site_version
from comments.held import HELD_COOKIE

# config.routers.WROTE_COOKIE (config sits on top: no app imports it; a test checks they
# agree): a reader who just wrote reads from the primary, so must not get a stored copy.
WROTE_COOKIE = "wrote"


def is_personal(request) -> bool:
    """Return True if the answer may be for this visitor alone: a session (perhaps signed
    in), one-off messages, a comment of theirs held for moderation, or a write of theirs
    that a lagging replica may not show yet. Such pages are never stored by any cache.

    Other cookies (a CSRF cookie, an analytics cookie) change nothing on a page."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or HELD_COOKIE in request.COOKIES  # their own comment awaiting moderation
        or WROTE_COOKIE in request.COOKIES
    )


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: int  # whole seconds, as HTTP dates have them

    @classmethod
    def of(cls, versions: Iterable[Version], path: str) -> "Validators":
        versions = list(versions)
        digest = hashlib.sha256(
            "\n".join([path, *(version.token for version in versions)]).encode()
        ).hexdigest()[:32]
        return cls(
            etag=f'W/"{digest}"',
            last_modified=int(max(version.modified for version in versions)),
        )


def apply_http_caching(request, response, validators: Validators | None) -> None:
    """Set Cache-Control, Vary and (for pages every visitor sees alike) the validators.

    - A personal request (session or messages cookie): private, no-store, no validators.
    - Any other request carries no per-visitor content (the comment form has no CSRF
      token in the page), so it gets ETag and Last-Modified; shared caches (a CDN) may
      keep the answer to a request with no cookies for BLOG_CDN_MAX_AGE seconds, while
      browsers revalidate every time (max-age=0), which costs no query when nothing
      changed. A request with cookies (e.g. the CSRF cookie of a reader who commented)
      is answered `private, no-cache`, so no shared copy can hide their own comment.
    """
    patch_vary_headers(response, ["Cookie"])
    if is_personal(request):
        add_never_cache_headers(response)
        return
    if validators is not None:
        response.headers["ETag"] = validators.etag
        response.headers["Last-Modified"] = http_date(validators.last_modified)
    if request.COOKIES:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=0, s_maxage=settings.BLOG_CDN_MAX_AGE)


def not_modified(request, validators: Validators) -> HttpResponse | None:
    response = get_conditional_response(
        request, etag=validators.etag, last_modified=validators.last_modified
    )
    if response is not None:
        apply_http_caching(request, response, validators)
    return response


def revalidatable(request) -> bool:
    return request.method in ("GET", "HEAD") and not is_personal(request)


def conditional_on_site(view):
    """Wrap a reader page made only of what the site version covers (lists of posts,
    archives, author, series, hashtag and paper pages, search): answer revalidations
    from the cache with no query, and set the same headers as the post page."""

    def page(request, *args, **kwargs):
        validators = None
        if revalidatable(request):
            validators = Validators.of([site_version()], request.get_full_path())
            if (response := not_modified(request, validators)) is not None:
                return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            apply_http_caching(request, response, validators)
        return response

    return page


def no_store(response) -> HttpResponse:
    """Mark a response as never to be stored (pages with a CSRF token or typed text)."""
    add_never_cache_headers(response)
    return response
