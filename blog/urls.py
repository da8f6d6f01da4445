from django.urls import path, register_converter

from blog import card_views, feeds, views
from blog.caching import cached_feed, conditional_on_site
from blog.papers import views as paper_views


class FourDigitYearConverter:
    """Years 0001 to 9999; `0000` is no year (datetime has none), so the address is not found.

    A ValueError from to_python means "no match" to Django's resolver: 404, never 500.
    """

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year < 1:
            raise ValueError("there is no year 0")
        return year

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


class TwoDigitMonthConverter:
    """Months are always two digits (`/2014/10/`), so each post has exactly one URL."""

    regex = "0[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):02d}"


register_converter(FourDigitYearConverter, "yyyy")
register_converter(TwoDigitMonthConverter, "mm")

app_name = "blog"

urlpatterns = [
    path("", conditional_on_site(views.PostListView.as_view()), name="post-list"),
    path("search/", conditional_on_site(views.SearchView.as_view()), name="search"),
    path("preview/<int:pk>/", views.PostPreviewView.as_view(), name="post-preview"),
    path(
        "<yyyy:year>/",
        conditional_on_site(views.PostYearArchiveView.as_view()),
        name="archive-year",
    ),
    path(
        "<yyyy:year>/<mm:month>/",
        conditional_on_site(views.PostMonthArchiveView.as_view()),
        name="archive-month",
    ),
    path("<yyyy:year>/<mm:month>/<slug:slug>/", views.PostDetailView.as_view(), name="post-detail"),
    # Long discussions continue on pages of their own; page 1 is the post's own URL.
    path(
        "<yyyy:year>/<mm:month>/<slug:slug>/comment-page-<int:page>/",
        views.PostDetailView.as_view(),
        name="post-comments-page",
    ),
    path(
        "authors/<slug:slug>/",
        conditional_on_site(views.AuthorDetailView.as_view()),
        name="author-detail",
    ),
    path(
        "about/",
        conditional_on_site(views.PageDetailView.as_view()),
        {"slug": "about"},
        name="about",
    ),
    path("pages/<slug:slug>/", conditional_on_site(views.PageDetailView.as_view()), name="page"),
    path("tags/", conditional_on_site(views.HashtagIndexView.as_view()), name="hashtag-list"),
    path("series/", conditional_on_site(views.SeriesIndexView.as_view()), name="series-list"),
    path(
        "series/<slug:slug>/",
        conditional_on_site(views.SeriesDetailView.as_view()),
        name="series-detail",
    ),
    path(
        "tags/<slug:slug>/",
        conditional_on_site(views.HashtagDetailView.as_view()),
        name="hashtag-detail",
    ),
    path(
        "papers/<int:pk>/",
        conditional_on_site(paper_views.PaperDetailView.as_view()),
        name="paper-detail",
    ),
    # Feeds: RSS at .../feed/, Atom at .../feed/atom/, cached per version (blog.caching).
    path("feed/", cached_feed(feeds.PostFeed()), name="post-feed"),
    path("feed/atom/", cached_feed(feeds.AtomPostFeed()), name="post-feed-atom"),
    path("tags/<slug:slug>/feed/", cached_feed(feeds.HashtagPostFeed()), name="hashtag-feed"),
    path(
        "tags/<slug:slug>/feed/atom/",
        cached_feed(feeds.AtomHashtagPostFeed()),
        name="hashtag-feed-atom",
    ),
    path("authors/<slug:slug>/feed/", cached_feed(feeds.AuthorPostFeed()), name="author-feed"),
    path(
        "authors/<slug:slug>/feed/atom/",
        cached_feed(feeds.AtomAuthorPostFeed()),
        name="author-feed-atom",
    ),
    path(
        "<yyyy:year>/<mm:month>/<slug:slug>/comments/feed/",
        cached_feed(feeds.PostCommentFeed(), per_post=True),
        name="post-comments-feed",
    ),
    path(
        "<yyyy:year>/<mm:month>/<slug:slug>/comments/feed/atom/",
        cached_feed(feeds.AtomPostCommentFeed(), per_post=True),
        name="post-comments-feed-atom",
    ),
    # Share images (OpenGraph, Twitter cards, JSON-LD).
    path("<yyyy:year>/<mm:month>/<slug:slug>/card.png", card_views.post_card, name="post-card"),
    path("card.png", card_views.site_card, name="site-card"),
    path("logo.png", card_views.logo, name="logo"),
    # A cited paper for reference managers.
    path("papers/<int:pk>/ris/", paper_views.paper_ris, name="paper-ris"),
    path("papers/<int:pk>/bibtex/", paper_views.paper_bibtex, name="paper-bibtex"),
    path("papers/<int:pk>/csl.json", paper_views.paper_csl_json, name="paper-csl-json"),
]
