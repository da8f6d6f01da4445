from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from authors.models import Author
from blog.models import Hashtag, Paper, Post, Series


class PostSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Post.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, post):
        return post.updated_at


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["blog:post-list"]

    def location(self, name):
        return reverse(name)


class HashtagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return (
            Hashtag.objects.filter(posts__in=Post.objects.published()).distinct().order_by("slug")
        )


class AuthorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Author.objects.filter(posts__in=Post.objects.published()).distinct().order_by("slug")


class SeriesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Series.objects.filter(posts__in=Post.objects.published()).distinct().order_by("slug")


class PaperSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Paper.objects.filter(posts__in=Post.objects.published()).distinct().order_by("pk")


sitemaps = {
    "home": HomeSitemap,
    "posts": PostSitemap,
    "tags": HashtagSitemap,
    "authors": AuthorSitemap,
    "series": SeriesSitemap,
    "papers": PaperSitemap,
}
