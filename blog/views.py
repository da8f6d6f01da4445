"""Reader pages: the post list, date archives, search, the post page, and pages listing an
author's, a series', a hashtag's or a paper's published posts."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from authors.models import Author
from blog import citations, search
from blog.caching import PostPageCaching, no_store, origin_of
from blog.discussion import Discussion, build_discussion
from blog.models import Hashtag, Paper, Post, Series
from blog.structured_data import paper_page_json_ld, post_json_ld
from comments.forms import CommentForm


class PostViewMixin:
    """Readers see published posts only: never drafts, never posts dated in the future."""

    def get_queryset(self):
        return Post.objects.published()


# for_listing() groups by post to count comments, and Django drops Meta.ordering from
# GROUP BY queries, so lists of posts state their order.
NEWEST_FIRST = ("-published_at", "-pk")

POST_URL_KWARGS = ("year", "month", "slug")


class PaginatedMixin:
    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE


class PostListView(PaginatedMixin, PostViewMixin, ListView):
    def get_queryset(self):
        return super().get_queryset().for_listing().order_by(*NEWEST_FIRST)


class PostArchiveMixin(PaginatedMixin, PostViewMixin):
    """Date archives by local (Europe/London) year and month, as post URLs have them.

    A period with no published post is not found. The months or days that have posts
    come from the published posts alone; the listed posts come with what a list shows.
    """

    date_field = "published_at"
    month_format = "%m"
    allow_empty = False

    def get_dated_items(self):
        date_list, posts, extra_context = super().get_dated_items()
        return date_list, posts.for_listing().order_by(*NEWEST_FIRST), extra_context


class PostYearArchiveView(PostArchiveMixin, YearArchiveView):
    make_object_list = True


class PostMonthArchiveView(PostArchiveMixin, MonthArchiveView):
    pass


class SearchView(PaginatedMixin, ListView):
    """Published posts matching `?q=`; rules and snippets live in `blog.search`."""

    template_name = "blog/search.html"

    def get_queryset(self):
        self.query = search.normalize_query(self.request.GET.get("q"))
        return search.search_posts(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search.add_snippets(context["object_list"], self.query)
        context["query"] = self.query
        return context


class PostDetailView(PostViewMixin, DetailView):
    """A post with one page of its discussion (`page` in the URL; page 1 is the post).

    The discussion comes from the cache when nothing changed (`blog.caching`), and a
    reader revalidating an unchanged page gets 304 without a database query.
    """

    use_cache = True

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:  # page 1 has one address: the post's own
            url = reverse("blog:post-detail", kwargs={k: kwargs[k] for k in POST_URL_KWARGS})
            return redirect(url, permanent=True)
        self.caching = PostPageCaching(request, kwargs["slug"]) if self.use_cache else None
        if self.caching and (not_modified := self.caching.not_modified()) is not None:
            return not_modified
        if self.caching and (whole_page := self.caching.cached_page()) is not None:
            return whole_page
        response = super().get(request, *args, **kwargs)
        if self.caching:
            self.caching.finish(response, self.object)
        return response

    def get_queryset(self):
        # The URL carries the local (Europe/London) year and month of publication, as
        # Post.get_absolute_url writes it; Django converts these lookups to local time.
        return (
            super()
            .get_queryset()
            .for_detail()
            .filter(
                published_at__year=self.kwargs["year"], published_at__month=self.kwargs["month"]
            )
        )

    def get_discussion(self) -> Discussion:
        number = self.kwargs.get("page", 1)
        if self.caching:
            return self.caching.discussion(self.object, number, build_discussion)
        return build_discussion(self.object, number, origin_of(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        discussion = self.get_discussion()
        context["discussion"] = discussion
        context["structured_data"] = post_json_ld(self.object, discussion, self.request)
        context["comment_form"] = CommentForm(post=self.object)
        return context


class PostPreviewView(PostDetailView):
    """Staff see any post, drafts and scheduled posts included, as readers will see it.

    Anonymous visitors are sent to the admin login; signed-in users who may not view
    posts in the admin get 403. Search engines are told not to index the preview, and
    nothing about it is cached.
    """

    use_cache = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (user.is_active and user.is_staff and user.has_perm("blog.view_post")):
            raise PermissionDenied
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return no_store(response)

    def get_queryset(self):
        return Post.objects.for_detail()


class PostsOfMixin:
    """Add the published posts that belong to the page's object as `posts`."""

    posts_filter: str

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["posts"] = (
            Post.objects.published()
            .for_listing()
            .filter(**{self.posts_filter: self.object})
            .order_by(*NEWEST_FIRST)
        )
        return context


class PostsOfListView(PaginatedMixin, PostViewMixin, ListView):
    """A page about one object (found by slug) listing its published posts, paginated.

    The object is in the context under its model name (`author`, `series`, `hashtag`),
    the page of posts as `page_obj` and `post_list`.
    """

    model_of: type
    posts_filter: str

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(self.model_of, slug=self.kwargs["slug"])

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(**{self.posts_filter: self.object})
            .for_listing()
            .order_by(*NEWEST_FIRST)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.model_of._meta.model_name] = self.object
        return context


class AuthorDetailView(PostsOfListView):
    model_of = Author
    posts_filter = "author"
    template_name = "authors/author_detail.html"


class SeriesDetailView(PostsOfListView):
    model_of = Series
    posts_filter = "series"
    template_name = "blog/series_detail.html"


class HashtagDetailView(PostsOfListView):
    """Posts carrying a hashtag, matched case-insensitively.

    Hashtags are written in any case (#MSResearch, #msresearch) but have one page, at
    their lower-case slug. Another spelling redirects there permanently (301), keeping
    the query string, so links and search engines settle on a single URL per tag.
    """

    model_of = Hashtag
    posts_filter = "post_hashtags__hashtag"
    template_name = "blog/hashtag_detail.html"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if slug != slug.lower():
            url = reverse("blog:hashtag-detail", kwargs={"slug": slug.lower()})
            if request.META.get("QUERY_STRING"):
                url = f"{url}?{request.META['QUERY_STRING']}"
            return redirect(url, permanent=True)
        return super().get(request, *args, **kwargs)


class PaperDetailView(PostsOfMixin, DetailView):
    queryset = Paper.objects.prefetch_related("abstract_sections")
    posts_filter = "citations__paper"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = paper_page_json_ld(self.object, self.request)
        return context


def _paper_download(pk: int, body, content_type: str, extension: str) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.prefetch_related("abstract_sections"), pk=pk)
    return HttpResponse(
        body(paper),
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(
                True, citations.download_filename(paper, extension)
            )
        },
    )


@require_safe
def paper_ris(request, pk: int) -> HttpResponse:
    """Download a paper as RIS, for EndNote, Zotero, Mendeley and the like."""
    return _paper_download(pk, citations.ris, citations.RIS_CONTENT_TYPE, "ris")


@require_safe
def paper_bibtex(request, pk: int) -> HttpResponse:
    """Download a paper as a BibTeX entry."""
    return _paper_download(pk, citations.bibtex, citations.BIBTEX_CONTENT_TYPE, "bib")
