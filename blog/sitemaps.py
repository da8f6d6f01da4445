"""sitemap.xml: every page readers can see, with the time of the newest change it shows.

Addresses are absolute from SITE_URL, never the request's host. Only published posts
appear (no draft, no scheduled post), and so only the tags, authors, series and papers
that such posts carry. Each section is one query however many pages it lists.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse

from authors.models import Author
from blog.models import Hashtag, Paper, Post, Series
from comments.models import Comment


def _changed(posts):
    """The newest change among these posts: an edit, or going live (as a subquery)."""
    return Subquery(
        posts.annotate(changed=Greatest("updated_at", "published_at"))
        .order_by("-changed")
        .values("changed")[:1],
        output_field=DateTimeField(),
    )


class SiteSitemap(Sitemap):
    """A section whose addresses start with SITE_URL."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.changed


def _with_posts_changed(queryset, post_lookup: str):
    """The objects a published post uses (through `post_lookup`), each `changed` when it
    or the newest of those posts last changed."""
    posts = Post.objects.published().filter(**{post_lookup: OuterRef("pk")})
    return (
        queryset.annotate(posts_changed=_changed(posts))
        .filter(posts_changed__isnull=False)
        .annotate(changed=Greatest("updated_at", "posts_changed"))
    )


class PostSitemap(SiteSitemap):
    """A post page shows the post and its comments: the newest of either."""

    changefreq = "weekly"
    priority = 0.8

    def items(self):
        # The comments readers see (comments.visibility): a reply under a held comment
        # changes nothing a reader can see.
        newest_comment = Subquery(
            Comment.objects.visible()
            .filter(post=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1],
            output_field=DateTimeField(),
        )
        return (
            Post.objects.published()
            .annotate(newest_comment=newest_comment)
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, post):
        return max(filter(None, [post.changed_at, post.newest_comment]))


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        changed = Post.objects.published().aggregate(
            changed=Max(Greatest("updated_at", "published_at"))
        )
        return [("blog:post-list", changed["changed"])] if changed["changed"] else []

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


class HashtagSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        posts = Post.objects.published().filter(post_hashtags__hashtag=OuterRef("pk"))
        return (
            Hashtag.objects.annotate(changed=_changed(posts))
            .filter(changed__isnull=False)
            .order_by("slug")
        )


class AuthorSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return _with_posts_changed(Author.objects.all(), "author").order_by("slug")


class SeriesSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return _with_posts_changed(Series.objects.all(), "series").order_by("slug")


class PaperSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return _with_posts_changed(Paper.objects.all(), "citations__paper").order_by("pk")


sitemaps = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "tags": HashtagSitemap,
    "authors": AuthorSitemap,
    "series": SeriesSitemap,
    "papers": PaperSitemap,
}
