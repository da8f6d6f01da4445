"""Feeds cached per version, answering conditional GETs."""

from django.conf import settings
from django.core.cache import cache

from blog.caching.fragments import origin_of
from blog.caching.http import Validators, apply_http_caching, not_modified
from blog.caching.versions import post_pk_for_slug, post_version, site_version
from blog.compression import encoded_variants, variant_response


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
        # Keyed on the path alone: a feed ignores the query string, so ?x=1, ?x=2, ... make
        # no new cache entries (nor new ETags).
        validators = Validators.of(versions, request.path)
        if (response := not_modified(request, validators)) is not None:
            return response
        key = f"blog:feed:{validators.etag}:{origin_of(request)}"
        stored = cache.get(key)
        if stored is None or not isinstance(stored[0], dict):
            response = feed(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            # Stored once per encoding (blog.compression), compressed here, not per request.
            stored = (encoded_variants(response.content), response["Content-Type"])
            cache.set(key, stored, settings.BLOG_CACHE_SECONDS)
        response = variant_response(request, stored[0], stored[1])
        apply_http_caching(request, response, validators)
        return response

    return view
