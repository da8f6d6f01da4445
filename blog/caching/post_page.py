"""The post page's caching: its versions, read before anything else, its validators, the
whole page for readers without personal cookies (one rebuild per version, the copy before
served meanwhile), and its comment pages, each kept until a comment change reaches it."""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from blog.caching.fragments import BUILD_LOCK_SECONDS, cached, origin_of, wait_for
from blog.caching.http import (
    Validators,
    apply_http_caching,
    is_personal,
    not_modified,
    revalidatable,
)
from blog.caching.local_pages import keep_local_page, local_page
from blog.caching.versions import (
    ALL_TREES,
    SITE_KEYS,
    Version,
    page_versions,
    post_version,
    site_posts_version,
    versions_key,
)
from blog.compression import ENCODINGS, MIN_SIZE, chosen_encoding, encoded_variants, use_variant
from blog.discussion import Discussion, DiscussionPage, assemble_discussion, thread_counts

# Headers a stored page does not keep: those of its body and encoding (set from the
# variant sent), those that depend on the reader (Cache-Control: `apply_http_caching`),
# its validators (kept apart) and cookies (a page that sets one is never stored).
PER_ANSWER_HEADERS = frozenset(
    {
        "cache-control",
        "content-encoding",
        "content-length",
        "etag",
        "expires",
        "last-modified",
        "set-cookie",
    }
)


@dataclass(frozen=True)
class StoredPage:
    """A whole post page as stored for readers without personal cookies: the versions it
    was built under, when they were read (it shows every change made before), its
    validators, the headers the site gave it (X-Frame-Options, Content-Security-Policy,
    ...: it is served before the middleware that sets them, `PostPageCacheMiddleware`)
    and its bytes in one encoding (blog.compression): one entry per encoding, so a reader
    fetches only the bytes they are sent."""

    post_token: str
    site_posts_token: str
    site_token: str | None
    read_at: float
    validators: Validators
    headers: tuple[tuple[str, str], ...]
    variants: dict[str, bytes]


def page_key(address: str, encoding: str | None) -> str:
    """Key of the whole page at `address` as sent with `encoding` (None: identity)."""
    return f"blog:whole-page:{encoding or 'identity'}:{address}"


def _one_encoding(variants: dict[str, bytes], encoding: str) -> dict[str, bytes]:
    # A page too small to compress is stored as is under every encoding's key.
    if encoding in variants:
        return {encoding: variants[encoding]}
    return {"identity": variants["identity"]}


def parts_token(version: Version) -> str:
    """Return the part of a post version that the post's own parts depend on: its last
    change that may show on every comment page (the mark of ALL_TREES, which every change
    of the post itself sets, `versions.posts_changed`), not a comment added to one tree.
    With no such mark, the post has not changed since its counter was made."""
    return f"p{dict(version.threads).get(ALL_TREES, 0)}"


class PostPageCaching:
    """The versions behind one request for a post page, and its HTTP caching.

    Made before the page reads anything of the post: the versions are read first, so
    the page's ETag can never claim content newer than what was read, and a
    revalidation of an unchanged page is answered with no query at all. One cache round
    trip reads the slug's post id with its version (`versions.page_versions`), the site
    versions and, for a plain GET, the stored page. Personal requests are never
    revalidated and skip all this.

    The page's versions are its post version and the site posts version, not the site
    version: a comment on another post does not change this page's ETag or retire its
    stored copy. Only the sidebar's recent comments show other posts' comments; in a
    stored page they may lag the newest comment by up to
    BLOG_RECENT_COMMENTS_STALE_SECONDS (readers with cookies, whose page is built per
    request, see them at once; a browser revalidating its own copy keeps its list).

    A retired stored page is rebuilt once per version: the first reader to miss takes a
    lock (`cache.add`, freed when the page is stored, or after BUILD_LOCK_SECONDS if its
    builder died) and builds; readers missing it meanwhile get the copy stored before,
    with that copy's own validators, if its versions were read less than
    BLOG_PAGE_STALE_SECONDS ago, else wait for the builder up to
    BLOG_BUILD_WAIT_SECONDS (`fragments.wait_for`), then build it themselves. A reader
    coming from this post's own pages (its Referer: a commenter sent back after posting,
    without personal cookies when there are no replicas) never gets the copy before.
    """

    def __init__(self, request, slug: str):
        self.request = request
        self._asked = False  # early_answer() was called
        self._storable = False  # finish() found the page may be stored
        self.slug = slug
        self.pk: int | None = None
        self.versions: tuple[Version, Version] | None = None
        self.site: Version | None = None  # None: a comment somewhere just retired it
        self.read_at = time.time()
        self._address = self._shareable_address()
        self._page_key = self._address and page_key(self._address, chosen_encoding(request))
        self._stored = None  # what the cache held under the page key (if fetched)
        self._local = None  # this worker's own copy of it, if it had one
        self._building: str | None = None  # the build lock this request holds
        self._fetched = False
        if not revalidatable(request):
            return
        # A revalidation is most likely answered 304: don't fetch the page for it.
        self._fetched = self._page_key is not None and not (
            "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        self._local = local_page(self._page_key) if self._fetched else None  # local_pages
        wanted = [versions_key(slug), *SITE_KEYS]
        fetch = self._fetched and self._local is None
        found = cache.get_many([*wanted, self._page_key] if fetch else wanted)
        read = page_versions(slug, found)  # what the cache lacks: one query
        if read is None:
            return
        self.pk, version, site_posts, self.site = read
        self.versions = (version, site_posts)
        self._stored = found.get(self._page_key) if fetch else self._local
        self._fetched = fetch or self._current(self._local)  # else cached_page fetches it

    @classmethod
    def for_request(cls, request, slug: str) -> "PostPageCaching":
        """The caching of this request's post page: the one `PostPageCacheMiddleware`
        made for it (its versions already read), else a new one."""
        caching = getattr(request, "post_page_caching", None)
        if isinstance(caching, cls) and caching.slug == slug:
            return caching
        return cls(request, slug)

    def early_answer(self) -> HttpResponse | None:
        """Return the cache's answer (a 304, or the stored whole page), or None: build it
        (holding the build lock if taken). Asked once per request; later, None."""
        if self._asked:
            return None
        self._asked = True
        if (answer := self.not_modified()) is not None:
            return answer
        return self.cached_page()

    def _current(self, stored) -> bool:
        """Return True if a stored page may be served as current: built under the current
        post and site posts versions, and its recent comments current or younger than
        the stated bound."""
        if not isinstance(stored, StoredPage):
            return False
        post, site_posts = self.versions
        if (stored.post_token, stored.site_posts_token) != (post.token, site_posts.token):
            return False
        current = self.site is not None and stored.site_token == self.site.token
        return current or time.time() - stored.read_at < settings.BLOG_RECENT_COMMENTS_STALE_SECONDS

    def _stale_allowed(self, stored) -> bool:
        """Return True if a retired stored page may be served while another request
        rebuilds it: its versions read less than BLOG_PAGE_STALE_SECONDS ago, and the
        reader not coming from this post's own pages."""
        if not isinstance(stored, StoredPage):
            return False
        referer = urlsplit(self.request.META.get("HTTP_REFERER", "")).path
        young = time.time() - stored.read_at < settings.BLOG_PAGE_STALE_SECONDS
        return young and f"/{self.slug}/" not in referer

    def not_modified(self) -> HttpResponse | None:
        """Return a 304 answer if the reader's copy is current, else None."""
        if self.versions is None:
            return None
        return not_modified(self.request, Validators.of(self.versions, self.request.path))

    def _shareable_address(self) -> str | None:
        """Address of the whole page for a reader without personal cookies, or None if
        not shareable.

        Such a request can hold nothing per visitor (no session, no messages, no held
        comment: `is_personal`; no CSRF token in the page, no CSP nonce), so every such
        reader of this address gets the same bytes while the versions hold. The keys are
        the address and the encoding (`page_key`); the entry (`StoredPage`) says which
        versions it was built under. The address includes COMMENTS_PER_PAGE, as the
        comment pages' keys do: a page stored under another setting is never served. A
        query string (campaign tags, say) is simply not served from here.
        """
        request = self.request
        # Cookies that change nothing on the page (a CSRF cookie left by an earlier
        # comment, an analytics cookie) do not stop it: only personal ones do.
        if request.method != "GET" or is_personal(request) or request.GET:
            return None
        return f"{settings.COMMENTS_PER_PAGE}:{origin_of(request)}{request.path}"

    def cached_page(self) -> HttpResponse | None:
        """Return the whole page from the cache for a reader without personal cookies:
        the page stored under the current versions, or while another request rebuilds
        it, the copy before (see the class docstring). None: build it (holding the build
        lock if this request took it)."""
        key = self._page_key
        if self.versions is None or key is None:
            return None
        stored = self._stored if self._fetched else cache.get(key)
        if self._current(stored):
            if stored is not self._local:
                keep_local_page(key, stored)
            return self._serve(stored)
        if (encoded := self._encode_stored_page()) is not None:
            return self._serve(encoded)
        post, site_posts = self.versions
        lock = f"blog:page:{self._address}:building:{post.token}:{site_posts.token}"
        if cache.add(lock, 1, BUILD_LOCK_SECONDS):
            self._building = lock
            return None
        if self._stale_allowed(stored):
            return self._serve(stored, stale=True)
        stored = wait_for(key, lock, self._current)
        return None if stored is None else self._serve(stored)

    def _encode_stored_page(self) -> StoredPage | None:
        """Return the current page in this reader's encoding, made now from its stored
        identity copy, or None: a build compresses the page only for its own reader
        (`store`), the first reader wanting another encoding makes that copy."""
        encoding = chosen_encoding(self.request)
        if encoding is None:
            return None
        identity = cache.get(page_key(self._address, None))
        if not self._current(identity):
            return None
        variants = encoded_variants(identity.variants["identity"], (encoding,))
        encoded = replace(identity, variants=_one_encoding(variants, encoding))
        cache.set(self._page_key, encoded, settings.BLOG_CACHE_SECONDS)
        return encoded

    def _serve(self, stored: StoredPage, *, stale: bool = False) -> HttpResponse:
        validators = stored.validators
        if stale and (answer := not_modified(self.request, validators)) is not None:
            return answer  # the reader already has the copy it would get
        response = HttpResponse(headers=dict(stored.headers))
        use_variant(self.request, response, stored.variants)
        apply_http_caching(self.request, response, validators)
        if stale and not self.request.COOKIES:  # a CDN keeps it no longer than the bound
            left = settings.BLOG_PAGE_STALE_SECONDS - (time.time() - stored.read_at)
            patch_cache_control(response, s_maxage=max(0, int(left)))
        return response

    def store(self, response) -> None:
        """Store the page the view finished (`finish`) for the next readers without
        personal cookies, as the middleware under `PostPageCacheMiddleware` left it (or
        once rendered, without it); free the build lock either way."""
        try:
            # A page that asked for a CSRF token (get_token) holds something per visitor.
            per_visitor = response.cookies or self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if self._storable and response.status_code == 200 and not per_visitor:
                post, site_posts = self.versions
                encoding = chosen_encoding(self.request)  # the others when first asked for
                variants = encoded_variants(response.content, (encoding,) if encoding else ())
                stored = StoredPage(
                    post_token=post.token,
                    site_posts_token=site_posts.token,
                    site_token=self.site.token if self.site else None,
                    read_at=self.read_at,
                    validators=Validators.of(self.versions, self.request.path),
                    headers=tuple(
                        (name, value)
                        for name, value in response.items()
                        if name.lower() not in PER_ANSWER_HEADERS
                    ),
                    variants=variants,
                )
                small = len(response.content) < MIN_SIZE  # see _one_encoding
                cache.set_many(
                    {
                        page_key(self._address, name): replace(
                            stored, variants=_one_encoding(variants, name)
                        )
                        for name in (("identity", *ENCODINGS) if small else variants)
                    },
                    settings.BLOG_CACHE_SECONDS,
                )
                use_variant(self.request, response, variants)  # compressed once, here
        finally:
            self._release()

    def forget_stored_page(self) -> None:
        """Drop the stored page read for this request, once it is answered."""
        self._stored = self._local = None

    def abandon(self) -> None:
        """The page will not be stored (its view failed): free the build lock, if held."""
        self._release()

    def _release(self) -> None:
        if self._building is not None:
            cache.delete(self._building)
            self._building = None

    def _read_first(self, post) -> bool:
        return self.versions is not None and self.pk == post.pk

    def discussion(
        self, post, number: int, build: Callable[[object, int, str], DiscussionPage]
    ) -> Discussion:
        """Return comment page `number` of the post with the thread's current counts.

        The page's comments are made by `build(post, number, origin)` and kept until a
        change of a comment in a tree up to the page's last one (`Version.threads`): a
        new comment leaves the pages before its tree cached. The counts every page shows
        ("N comments", the page links) are kept per post version: taken from a build, or
        counted (one query) when the page came from the cache.

        The page shows nothing of the post but its address (in page links and
        structured data), which is part of the key, so it may be stored even under a
        version read after the post: its comments are always read after the version.
        """
        origin = origin_of(self.request)
        version = self.versions[0] if self._read_first(post) else post_version(post.pk)
        address = f"{settings.COMMENTS_PER_PAGE}:{origin}{post.get_absolute_url()}"
        page_key = f"blog:comment-page:{post.pk}:{number}:{address}"
        counts_key = f"blog:thread-counts:{post.pk}:{version.token}:{address}"
        found = cache.get_many([page_key, counts_key])

        def usable(entry) -> bool:
            return (
                isinstance(entry, tuple)
                and len(entry) == 2
                and isinstance(entry[1], DiscussionPage)
                and version.unchanged_up_to(entry[1].last_tree, since=entry[0])
            )

        entry = found.get(page_key)
        if not usable(entry):
            entry = cached(
                page_key,
                lambda: (version.counter, build(post, number, origin)),
                usable=usable,
                lock=f"{page_key}:building:{version.token}",
            )
        built_at, page = entry
        counts = found.get(counts_key)
        if counts is None:
            counts = page.counts if built_at == version.counter else thread_counts(post)
            cache.set(counts_key, counts, settings.BLOG_CACHE_SECONDS)
        return assemble_discussion(post, page, counts)

    def post_parts(self, post, build: Callable[[object], object]):
        """Return what the page shows of the post itself, made by `build(post)` and
        cached per change of the post itself (`parts_token`) and site posts version
        (`blog.post_parts`): a new comment leaves them cached; a paper's abstract written
        in bulk by another post's import retires only the site posts version. Read after
        the versions, as the discussion is; its URLs are absolute from SITE_URL, like the
        key's origin."""
        origin = origin_of(self.request)
        if self._read_first(post):
            version, site_posts = self.versions
        else:
            version, site_posts = post_version(post.pk), site_posts_version()
        tokens = f"{parts_token(version)}:{site_posts.token}"
        return cached(f"blog:post-parts:{tokens}:{origin}:{post.pk}", lambda: build(post))

    def finish(self, response, post) -> HttpResponse:
        """Add the HTTP caching headers to a post page.

        Validators go out only if the versions were read for this very post (a slug
        given to another post since would otherwise lend it the old post's versions).
        """
        validators = None
        if self._read_first(post):
            validators = Validators.of(self.versions, self.request.path)
            self._storable = self._page_key is not None
            # PostPageCacheMiddleware, which made this object, stores it on its way out.
            if self._storable and getattr(self.request, "post_page_caching", None) is not self:
                response.add_post_render_callback(self.store)
        elif self.pk is not None:  # the cache had the slug's old post: read it again
            cache.delete(versions_key(post.slug))
        if self._page_key is None or not self._read_first(post):
            self._release()  # nothing will be stored
        apply_http_caching(self.request, response, validators)
        return response
