"""What the site caches, under which keys, and what makes each entry stale.

Everything lives in the shared cache (Redis in production) under version tokens:

- a **post version** per post (`blog:post:<pk>`): a random token that changes whenever
  anything shown on that post's page changes: the post, its hashtags, citations and
  papers, its author or series, or any of its comments;
- a **site version** (`blog:site`): changes with any post or comment anywhere (lists, the
  sidebar and the post feeds show those), and expires by itself when the next scheduled
  post goes live, so nothing waits for an edit to show it.

A change never edits cached content: it deletes the token, and the next reader makes a
new one, so every entry keyed by the old token is simply never read again (and expires).
Tokens are deleted at once and again after the transaction commits; a reader that read
the old rows in between may have cached them under the in-between token, which the
second deletion retires. Readers read tokens before the rows they render, never after.

Keyed by those versions:

- the rendered discussion of each comment page of a post (`blog:thread:...`): post version;
- the sidebar (`blog:sidebar:...`): site version;
- feed documents (`blog:feed:...`): the site version for the site, hashtag and author
  feeds, the post version for a post's comment feed;
- whole post pages for readers without cookies (`blog:page:<site version>:<address>`),
  each holding the post version it was built under and used only while that is current
  (readers with cookies get the page built per request around the cached discussion and
  sidebar).

and a slug's post id (`blog:post-slug:<slug>`), so a post page can find its versions
before it reads anything from the database.

The post page (`PostPageCaching`), the other reader pages (`conditional_on_site`) and the
feeds (`cached_feed`) answer conditional GETs (ETag, Last-Modified) from the same tokens,
and say who may keep them (`_apply_http_caching`). What retires which version: saves and
deletes in `blog.signals`; writes that send no signals call `posts_changed` themselves.
"""

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from blog.compression import encoded_variants, use_variant, variant_response
from comments.held import HELD_COOKIE

SITE_KEY = "blog:site"


def _post_key(pk: int) -> str:
    return f"blog:post:{pk}"


def _slug_key(slug: str) -> str:
    return f"blog:post-slug:{slug}"


# --- Versions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """A version token and when it was made (Unix time), which is when its content last
    changed or later: the page's Last-Modified."""

    token: str
    modified: float


def _new_version() -> tuple[str, float]:
    return (uuid.uuid4().hex, time.time())


def _get_or_add(key: str, timeout: Callable[[], float]) -> Version:
    value = cache.get(key)
    if value is None:
        cache.add(key, _new_version(), timeout())
        # Whoever added first wins; a backend that keeps nothing gets a token per request.
        value = cache.get(key) or _new_version()
    return Version(*value)


def post_version(pk: int) -> Version:
    """Return the post's current version, making one if it has none (no query)."""
    return _get_or_add(_post_key(pk), lambda: settings.BLOG_CACHE_SECONDS)


def site_version() -> Version:
    """Return the site's current version, making one if it has none.

    A new one lasts at most until the next scheduled post is due (one query to find it).
    """
    return _get_or_add(SITE_KEY, _seconds_until_next_scheduled_post)


def _seconds_until_next_scheduled_post() -> float:
    from blog.models import Post

    due = Post.objects.scheduled().values_list("published_at", flat=True).first()
    if due is None:
        return settings.BLOG_CACHE_SECONDS
    return max(1, min(settings.BLOG_CACHE_SECONDS, due.timestamp() - time.time() + 1))


def posts_changed(post_ids: Iterable[int]) -> None:
    """Retire the versions of these posts and of the site, now and when the transaction
    commits (see the module docstring for why twice)."""
    keys = [_post_key(pk) for pk in set(post_ids)] + [SITE_KEY]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def post_saved(post) -> None:
    """Once the transaction commits, note which post the slug belongs to now."""
    slug, pk = post.slug, post.pk
    transaction.on_commit(lambda: cache.set(_slug_key(slug), pk, settings.BLOG_CACHE_SECONDS))


def post_pk_for_slug(slug: str) -> int | None:
    """Return the id of the post with this slug: from the cache, else one query.

    Drafts and scheduled posts included; the pages check what readers may see.
    """
    pk = cache.get(_slug_key(slug))
    if pk is None:
        from blog.models import Post

        pk = Post.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is not None:
            cache.set(_slug_key(slug), pk, settings.BLOG_CACHE_SECONDS)
    return pk


# --- Cached fragments -------------------------------------------------------------------


def cached(key: str, build: Callable[[], object]):
    """Return the value cached under `key`, building and caching it if absent.

    `key` must contain every version the value depends on.
    """
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.BLOG_CACHE_SECONDS)
    return value


def origin_of(request) -> str:
    """Return the site's canonical origin (SITE_URL), never the request's host.

    Part of the keys of anything holding absolute URLs, such as structured data.
    """
    return settings.SITE_URL


def sidebar_html(render: Callable[[], str]) -> str:
    """Return the sidebar, rendering it once per site version."""
    return cached(f"blog:sidebar:{site_version().token}", render)


def around_post_html(post_pk: int, render: Callable[[], str]) -> str:
    """Return a post's previous/next and related posts, rendered once per site version
    (any post's change may change them)."""
    return cached(f"blog:around:{site_version().token}:{post_pk}", render)


# --- HTTP caching -----------------------------------------------------------------------


def is_personal(request) -> bool:
    """Return True if the answer may be for this visitor alone: a session (perhaps signed
    in), one-off messages, or a comment of theirs held for moderation. Such pages are
    never stored by any cache."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or HELD_COOKIE in request.COOKIES  # their own comment awaiting moderation
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


def _apply_http_caching(request, response, validators: Validators | None) -> None:
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


def _not_modified(request, validators: Validators) -> HttpResponse | None:
    response = get_conditional_response(
        request, etag=validators.etag, last_modified=validators.last_modified
    )
    if response is not None:
        _apply_http_caching(request, response, validators)
    return response


def _revalidatable(request) -> bool:
    return request.method in ("GET", "HEAD") and not is_personal(request)


class PostPageCaching:
    """The versions behind one request for a post page, and its HTTP caching.

    Made before the page reads anything of the post: the versions are read first, so
    the page's ETag can never claim content newer than what was read, and a
    revalidation of an unchanged page is answered with no query at all (the post's id
    comes from its slug through the cache). Personal requests are never revalidated
    and skip all this.
    """

    def __init__(self, request, slug: str):
        self.request = request
        self.pk: int | None = None
        self.versions: tuple[Version, Version] | None = None
        self._page: dict[str, bytes] | None = None
        if not _revalidatable(request):
            return
        # Two cache round trips: the slug's post id with the site version, then the post
        # version with the stored page (whose key needs only the site version).
        slug_key = _slug_key(slug)
        found = cache.get_many([slug_key, SITE_KEY])
        self.pk = found.get(slug_key) or post_pk_for_slug(slug)
        if self.pk is None:
            return
        site = Version(*found[SITE_KEY]) if SITE_KEY in found else site_version()
        post_key, page_key = _post_key(self.pk), self._page_key(site)
        # A revalidation is most likely answered 304: don't fetch the page for it.
        conditional = "HTTP_IF_NONE_MATCH" in request.META or (
            "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        wanted = [post_key] if conditional or not page_key else [post_key, page_key]
        found = cache.get_many(wanted)
        post = Version(*found[post_key]) if post_key in found else post_version(self.pk)
        self.versions = (post, site)
        stored = found.get(page_key) if len(wanted) == 2 else None
        # The entry holds the page once per encoding (blog.compression), made when stored.
        if stored is not None and stored[0] == post.token and isinstance(stored[1], dict):
            self._page = stored[1]

    def not_modified(self) -> HttpResponse | None:
        """Return a 304 answer if the reader's copy is current, else None."""
        if self.versions is None:
            return None
        return _not_modified(self.request, Validators.of(self.versions, self.request.path))

    def _page_key(self, site: Version) -> str | None:
        """Key of the whole page for a reader without cookies, or None if not shareable.

        Such a request can hold nothing per visitor (no session, no messages, no CSRF token
        in the page, no CSP nonce), so every such reader of this address gets the same
        bytes while the versions hold. The key holds the path, the origin and the site
        version; the entry holds the post version it was built under, and is used only
        while that is still current. A query string (campaign tags, say) is simply not
        served from here.
        """
        request = self.request
        if request.method != "GET" or request.COOKIES or request.GET:
            return None
        return f"blog:page:{site.token}:{origin_of(request)}{request.path}"

    def cached_page(self) -> HttpResponse | None:
        """Return the whole page from the cache, if a reader without cookies asks for it
        and it was stored under the current versions; else None."""
        if self._page is None:
            return None
        response = variant_response(self.request, self._page, "text/html; charset=utf-8")
        _apply_http_caching(self.request, response, Validators.of(self.versions, self.request.path))
        return response

    def _store_page(self, response) -> None:
        # A page that asked for a CSRF token (get_token) holds something per visitor.
        per_visitor = response.cookies or self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not per_visitor:
            post, site = self.versions
            variants = encoded_variants(response.content)
            cache.set(self._page_key(site), (post.token, variants), settings.BLOG_CACHE_SECONDS)
            use_variant(self.request, response, variants)  # compressed once, here

    def _read_first(self, post) -> bool:
        return self.versions is not None and self.pk == post.pk

    def discussion(self, post, number: int):
        """Return comment page `number` of the post, cached per post version.

        The discussion shows nothing of the post but its address (in page links and
        structured data), which is part of the key, so it may be stored even under a
        version read after the post: its comments are always read after the version.
        """
        from blog.discussion import build_discussion

        origin = origin_of(self.request)
        version = self.versions[0] if self._read_first(post) else post_version(post.pk)
        return cached(
            f"blog:thread:{version.token}:{number}:{origin}{post.get_absolute_url()}",
            lambda: build_discussion(post, number, origin),
        )

    def finish(self, response, post) -> HttpResponse:
        """Add the HTTP caching headers to a post page.

        Validators go out only if the versions were read for this very post (a slug
        given to another post since would otherwise lend it the old post's versions).
        """
        validators = None
        if self._read_first(post):
            validators = Validators.of(self.versions, self.request.path)
            if self._page_key(self.versions[1]) is not None:
                response.add_post_render_callback(self._store_page)
        elif self.pk is not None:  # the cache had the slug's old post: correct it
            cache.set(_slug_key(post.slug), post.pk, settings.BLOG_CACHE_SECONDS)
        _apply_http_caching(self.request, response, validators)
        return response


def conditional_on_site(view):
    """Wrap a reader page made only of what the site version covers (lists of posts,
    archives, author, series, hashtag and paper pages, search): answer revalidations
    from the cache with no query, and set the same headers as the post page."""

    def page(request, *args, **kwargs):
        validators = None
        if _revalidatable(request):
            validators = Validators.of([site_version()], request.get_full_path())
            if (response := _not_modified(request, validators)) is not None:
                return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            _apply_http_caching(request, response, validators)
        return response

    return page


def no_store(response) -> HttpResponse:
    """Mark a response as never to be stored (pages with a CSRF token or typed text)."""
    add_never_cache_headers(response)
    return response


# --- Feeds ------------------------------------------------------------------------------


def cached_feed(feed, *, per_post: bool = False):
    """Wrap a feed view: cache its document per version and answer conditional GETs.

    Site-wide feeds (all posts, a hashtag's, an author's) follow the site version; a
    post's comment feed (`per_post`) follows that post's version too, found by the slug
    in the URL (the feed itself checks the post is published).
    """

    def view(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return feed(request, *args, **kwargs)
        versions = [site_version()]
        if per_post:
            pk = post_pk_for_slug(kwargs["slug"])
            if pk is None:
                return feed(request, *args, **kwargs)
            versions.insert(0, post_version(pk))
        validators = Validators.of(versions, request.get_full_path())
        if (response := _not_modified(request, validators)) is not None:
            return response
        key = f"blog:feed:{validators.etag}:{origin_of(request)}"
        stored = cache.get(key)
        if stored is None or not isinstance(stored[0], dict):
            response = feed(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            stored = (encoded_variants(response.content), response["Content-Type"])
            cache.set(key, stored, settings.BLOG_CACHE_SECONDS)
        response = variant_response(request, stored[0], stored[1])
        _apply_http_caching(request, response, validators)
        return response

    return view
