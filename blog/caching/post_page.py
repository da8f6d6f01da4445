"""The post page's caching: its versions, read before anything else, its validators, the
whole page for readers without personal cookies, and its comment pages, each kept until a
comment change reaches it."""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from blog.caching.fragments import cached, origin_of
from blog.caching.http import (
    Validators,
    apply_http_caching,
    is_personal,
    not_modified,
    revalidatable,
)
from blog.caching.versions import (
    SITE_KEYS,
    Version,
    post_key,
    post_version,
    site_posts_version,
    slug_key,
    slug_versions,
    version_in,
)
from blog.compression import encoded_variants, use_variant, variant_response
from blog.discussion import Discussion, DiscussionPage, assemble_discussion, thread_counts


class PostPageCaching:
    """The versions behind one request for a post page, and its HTTP caching.

    Made before the page reads anything of the post: the versions are read first, so
    the page's ETag can never claim content newer than what was read, and a
    revalidation of an unchanged page is answered with no query at all (the post's id
    comes from its slug through the cache). Personal requests are never revalidated
    and skip all this.

    The page's versions are its post version and the site posts version, not the site
    version: a comment on another post does not change this page's ETag or retire its
    stored copy. Only the sidebar's recent comments show other posts' comments; in a
    stored page they may lag the newest comment by up to
    BLOG_RECENT_COMMENTS_STALE_SECONDS (readers with cookies, whose page is built per
    request, see them at once; a browser revalidating its own copy keeps its list).
    """

    def __init__(self, request, slug: str):
        self.request = request
        self.pk: int | None = None
        self.versions: tuple[Version, Version] | None = None
        self.site: Version | None = None  # None: a comment somewhere just retired it
        self._page: dict[str, bytes] | None = None
        if not revalidatable(request):
            return
        # Two cache round trips: the slug's post id with the site versions, then the post
        # version with the stored page (whose key needs only the site posts version).
        # Whatever the first lacks is read in one query (`slug_versions`).
        found = cache.get_many([slug_key(slug), *SITE_KEYS])
        self.pk, site_posts, self.site = slug_versions(slug, found)
        if self.pk is None:
            return
        post_entry, page_key = post_key(self.pk), self._page_key(site_posts)
        # A revalidation is most likely answered 304: don't fetch the page for it.
        conditional = "HTTP_IF_NONE_MATCH" in request.META or (
            "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        wanted = [post_entry] if conditional or not page_key else [post_entry, page_key]
        found = cache.get_many(wanted)
        post = version_in(found.get(post_entry)) or post_version(self.pk)
        self.versions = (post, site_posts)
        stored = found.get(page_key) if len(wanted) == 2 else None
        if stored is not None and self._current(stored, post):
            self._page = stored[3]

    def _current(self, stored, post: Version) -> bool:
        """Return True if a stored page may be served: built under the current post
        version, and its recent comments current or younger than the stated bound."""
        if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == post.token):
            return False
        _, site_token, built_at, _ = stored
        fresh_for = settings.BLOG_RECENT_COMMENTS_STALE_SECONDS
        current = self.site is not None and site_token == self.site.token
        return current or time.time() - built_at < fresh_for

    def not_modified(self) -> HttpResponse | None:
        """Return a 304 answer if the reader's copy is current, else None."""
        if self.versions is None:
            return None
        return not_modified(self.request, Validators.of(self.versions, self.request.path))

    def _page_key(self, site_posts: Version) -> str | None:
        """Key of the whole page for a reader without personal cookies, or None if not
        shareable.

        Such a request can hold nothing per visitor (no session, no messages, no held
        comment: `is_personal`; no CSRF token in the page, no CSP nonce), so every such
        reader of this address gets the same bytes while the versions hold. The key holds
        the path, the origin and the site posts version; the entry holds the post
        version and the site version it was built under, when, and the page once per
        encoding (blog.compression), and is used only while that post version is current
        (see the class docstring). A query
        string (campaign tags, say) is simply not served from here.
        """
        request = self.request
        # Cookies that change nothing on the page (a CSRF cookie left by an earlier
        # comment, an analytics cookie) do not stop it: only personal ones do.
        if request.method != "GET" or is_personal(request) or request.GET:
            return None
        return f"blog:page:{site_posts.token}:{origin_of(request)}{request.path}"

    def cached_page(self) -> HttpResponse | None:
        """Return the whole page from the cache, if a reader without personal cookies asks for it
        and it was stored under the current versions; else None."""
        if self._page is None:
            return None
        response = variant_response(self.request, self._page, "text/html; charset=utf-8")
        apply_http_caching(self.request, response, Validators.of(self.versions, self.request.path))
        return response

    def _store_page(self, response) -> None:
        # A page that asked for a CSRF token (get_token) holds something per visitor.
        per_visitor = response.cookies or self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not per_visitor:
            post, site_posts = self.versions
            variants = encoded_variants(response.content)
            site_token = self.site.token if self.site else None
            entry = (post.token, site_token, time.time(), variants)
            cache.set(self._page_key(site_posts), entry, settings.BLOG_CACHE_SECONDS)
            use_variant(self.request, response, variants)  # compressed once, here

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
        cached per post version and site posts version (`blog.post_parts`): a paper's
        abstract written in bulk by another post's import retires only the site posts
        version. Read after the versions, as the discussion is; its URLs are absolute
        from SITE_URL, like the key's origin."""
        origin = origin_of(self.request)
        if self._read_first(post):
            versions = self.versions
        else:
            versions = (post_version(post.pk), site_posts_version())
        tokens = ":".join(version.token for version in versions)
        return cached(f"blog:post-parts:{tokens}:{origin}:{post.pk}", lambda: build(post))

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
            cache.set(slug_key(post.slug), post.pk, settings.BLOG_CACHE_SECONDS)
        apply_http_caching(self.request, response, validators)
        return response
