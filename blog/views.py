"""Reader pages: the post list, date archives, search, the post page, and pages listing an
author's, a series', a hashtag's or a paper's published posts."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import resolve, reverse
from django.utils.dates import MONTHS
from django.utils.text import Truncator
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from authors.models import Author
from blog import search
from blog.caching import PostPageCaching, no_store, origin_of
from blog.discussion import Discussion, build_discussion, build_discussion_page
from blog.models import Hashtag, Page, Post, Series
from blog.page_meta import PageMeta, list_page_meta
from blog.post_parts import PostParts, build_post_parts
from blog.structured_data import collection_page_json_ld, person_json_ld
from comments.forms import CommentForm
from comments.held import held_comment
from core.site import absolute_url


class PostViewMixin:
    """Readers see published posts only: never drafts, never posts dated in the future."""

    def get_queryset(self):
        return Post.objects.published()


# for_listing() groups by post to count comments, and Django drops Meta.ordering from
# GROUP BY queries, so lists of posts state their order.
NEWEST_FIRST = ("-published_at", "-pk")

POST_URL_KWARGS = ("year", "month", "slug")


class PaginatedMixin:
    """Lists of posts in pages; page 1 has one address, without `?page=1`."""

    def get(self, request, *args, **kwargs):
        if request.GET.get("page") == "1":
            rest = request.GET.copy()
            del rest["page"]
            query = rest.urlencode()
            return redirect(f"{request.path}?{query}" if query else request.path, permanent=True)
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE


class ListPageMetaMixin:
    """Give a paginated list of posts its canonical URL, neighbours, share card and
    CollectionPage JSON-LD. `list_title()` is the page's h1 without its page number."""

    def list_title(self) -> str:
        raise NotImplementedError

    def list_description(self) -> str:
        return settings.BLOG_TAGLINE

    def list_about(self) -> dict | None:
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = list_page_meta(
            self.request.path,
            context.get("page_obj"),
            title=self.list_title(),
            description=self.list_description(),
        )
        context["meta"] = meta
        context["structured_data"] = collection_page_json_ld(
            name=meta.title,
            path=meta.url,
            description=meta.description,
            posts=list(context["object_list"]),
            about=self.list_about(),
        )
        return context


class PostListView(PaginatedMixin, ListPageMetaMixin, PostViewMixin, ListView):
    def list_title(self) -> str:
        return "Latest posts"

    def get_queryset(self):
        return super().get_queryset().for_listing().order_by(*NEWEST_FIRST)


class PostArchiveMixin(PaginatedMixin, ListPageMetaMixin, PostViewMixin):
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

    def list_title(self) -> str:
        return f"Posts from {self.get_year()}"


class PostMonthArchiveView(PostArchiveMixin, MonthArchiveView):
    def list_title(self) -> str:
        return f"Posts from {MONTHS[int(self.get_month())]} {self.get_year()}"


class SearchView(PaginatedMixin, ListView):
    """Published posts matching `?q=`; rules and snippets live in `blog.search`."""

    template_name = "blog/search.html"

    def get(self, request, *args, **kwargs):
        if not search.normalize_query(request.GET.get("q")):  # nothing to search: no limit
            return super().get(request, *args, **kwargs)
        try:
            with search.time_limit():
                return super().get(request, *args, **kwargs)
        except search.SearchTimedOut:
            self.object_list = Post.objects.none()
            context = self.get_context_data(timed_out=True)
            return self.render_to_response(context, status=503)

    def get_queryset(self):
        self.query = search.normalize_query(self.request.GET.get("q"))
        return search.search_posts(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search.add_snippets(context["object_list"], self.query)
        search.add_comment_counts(context["object_list"])
        context["query"] = self.query
        if context["page_obj"].number == 1:
            # A list, so the papers are read here, under the search time limit.
            context["papers"] = list(search.search_papers(self.query)[: search.MAX_PAPERS])
        return context


class PostDetailView(PostViewMixin, DetailView):
    """A post with one page of its discussion (`page` in the URL; page 1 is the post).

    The discussion comes from the cache when nothing changed (`blog.caching`), and a
    reader revalidating an unchanged page gets 304 without a database query.
    """

    use_cache = True
    comment_form = None  # a bound form to show again with its errors (render_post_page)

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:  # page 1 has one address: the post's own
            url = reverse("blog:post-detail", kwargs={k: kwargs[k] for k in POST_URL_KWARGS})
            return redirect(url, permanent=True)
        self.caching = (
            PostPageCaching.for_request(request, kwargs["slug"]) if self.use_cache else None
        )
        if self.caching and (answer := self.caching.early_answer()) is not None:
            return answer  # the cache's, when no middleware asked for it first
        try:
            response = super().get(request, *args, **kwargs)
        except Exception:
            if self.caching:  # a 404, say: free the build lock this request may hold
                self.caching.abandon()
            raise
        if self.caching:
            self.caching.finish(response, self.object)
        return response

    def get_queryset(self):
        # The URL carries the local (Europe/London) year and month of publication, as
        # Post.get_absolute_url writes it; Django converts these lookups to local time.
        return (
            super()
            .get_queryset()
            .for_page()  # the rest of what it shows: blog.post_parts, cached
            .filter(
                published_at__year=self.kwargs["year"], published_at__month=self.kwargs["month"]
            )
        )

    def get_discussion(self) -> Discussion:
        number = self.kwargs.get("page", 1)
        if self.caching:
            return self.caching.discussion(self.object, number, build_discussion_page)
        return build_discussion(self.object, number, origin_of(self.request))

    def get_parts(self) -> PostParts:
        if self.caching:
            return self.caching.post_parts(self.object, build_post_parts)
        return build_post_parts(self.object, empty_form=self.comment_form is None)

    def page_meta(self, parts: PostParts, discussion: Discussion) -> PageMeta:
        return PageMeta(
            title=self.object.title,
            description=parts.description,
            url=absolute_url(discussion.url),
            image=parts.card,
            type="article",
            previous_url=absolute_url(discussion.previous_url) if discussion.previous_url else "",
            next_url=absolute_url(discussion.next_url) if discussion.next_url else "",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        discussion, parts = self.get_discussion(), self.get_parts()
        context["discussion"] = discussion
        context["parts"] = parts
        page_url = absolute_url(discussion.url)
        context["structured_data"] = parts.structured_data(page_url=page_url, discussion=discussion)
        context["meta"] = self.page_meta(parts, discussion)
        context["comment_form"] = self.comment_form  # None: the empty form, in the parts
        context["held_comment"] = held_comment(self.request, self.object)
        return context


def render_post_page(request, post: Post, *, comment_form: CommentForm, status: int):
    """Return the post's page (its first comment page) showing `comment_form` with its
    errors in the comment section, for a comment sent without JavaScript. Never cached."""
    view = PostDetailView(use_cache=False, comment_form=comment_form)
    view.setup(request, **resolve(post.get_absolute_url()).kwargs)
    view.caching = None
    view.object = view.get_object()
    context = view.get_context_data(object=view.object)
    return no_store(view.render_to_response(context, status=status))


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


class PostsOfListView(PaginatedMixin, ListPageMetaMixin, PostViewMixin, ListView):
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
        shown = Post.objects.reachable(self.model_of.objects, self.posts_filter)
        return get_object_or_404(shown, slug=self.kwargs["slug"])

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

    def list_title(self) -> str:
        return self.object.name

    def list_description(self) -> str:
        return Truncator(self.object.bio).words(30) or settings.BLOG_TAGLINE

    def list_about(self) -> dict:
        return person_json_ld(self.object)


class SeriesDetailView(PostsOfListView):
    model_of = Series
    posts_filter = "series"
    template_name = "blog/series_detail.html"

    def list_title(self) -> str:
        return self.object.name

    def list_description(self) -> str:
        return Truncator(self.object.description).words(30) or settings.BLOG_TAGLINE


class HashtagDetailView(PostsOfListView):
    """Posts carrying a hashtag, matched case-insensitively.

    Hashtags are written in any case (#MSResearch, #msresearch) but have one page, at
    their lower-case slug. Another spelling redirects there permanently (301), keeping
    the query string, so links and search engines settle on a single URL per tag.
    """

    model_of = Hashtag
    posts_filter = "post_hashtags__hashtag"
    template_name = "blog/hashtag_detail.html"

    def list_title(self) -> str:
        return f"Posts tagged #{self.object.name}"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if slug != slug.lower():
            url = reverse("blog:hashtag-detail", kwargs={"slug": slug.lower()})
            if request.META.get("QUERY_STRING"):
                url = f"{url}?{request.META['QUERY_STRING']}"
            return redirect(url, permanent=True)
        return super().get(request, *args, **kwargs)


class PageDetailView(DetailView):
    """A page that is not a post (About), edited in the admin."""

    model = Page
    template_name = "blog/page_detail.html"


class HashtagIndexView(ListView):
    """Every hashtag on a published post, with how many published posts carry it."""

    template_name = "blog/hashtag_list.html"
    context_object_name = "hashtags"

    def get_queryset(self):
        return Hashtag.objects.with_published_post_count()


class SeriesIndexView(ListView):
    """Every series with a published post, with how many published posts it has."""

    template_name = "blog/series_list.html"
    context_object_name = "series_list"

    def get_queryset(self):
        return Series.objects.with_published_post_count()
