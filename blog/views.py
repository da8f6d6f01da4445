"""Reader pages: the post list, the post page, and pages listing an author's, a series',
a hashtag's or a paper's published posts."""

from django.conf import settings
from django.views.generic import DetailView, ListView

from authors.models import Author
from blog.models import Hashtag, Paper, Post, Series
from blog.structured_data import post_json_ld
from comments.models import Comment
from comments.thread import build_thread, published_count


class PostViewMixin:
    """Readers see published posts only: never drafts, never posts dated in the future."""

    def get_queryset(self):
        return Post.objects.published()


# for_listing() groups by post to count comments, and Django drops Meta.ordering from
# GROUP BY queries, so lists of posts state their order.
NEWEST_FIRST = ("-published_at", "-pk")


class PostListView(PostViewMixin, ListView):
    def get_queryset(self):
        return super().get_queryset().for_listing().order_by(*NEWEST_FIRST)

    def get_paginate_by(self, queryset):
        return settings.BLOG_POSTS_PER_PAGE


class PostDetailView(PostViewMixin, DetailView):
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        thread = build_thread(Comment.objects.for_post(self.object))
        context["thread"] = thread
        context["comment_count"] = published_count(thread)
        context["structured_data"] = post_json_ld(self.object, thread, self.request)
        return context


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


class AuthorDetailView(PostsOfMixin, DetailView):
    model = Author
    posts_filter = "author"


class SeriesDetailView(PostsOfMixin, DetailView):
    model = Series
    posts_filter = "series"


class HashtagDetailView(PostsOfMixin, DetailView):
    model = Hashtag
    posts_filter = "post_hashtags__hashtag"


class PaperDetailView(PostsOfMixin, DetailView):
    queryset = Paper.objects.prefetch_related("abstract_sections")
    posts_filter = "citations__paper"
