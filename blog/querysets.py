from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comments.models import Comment


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts readers may see: published status and a publication time not in the future."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def reachable(self, queryset, lookup: str):
        """Return those of `queryset` readers may reach, given `lookup`, the lookup from a
        post to them ("author", "series", "post_hashtags__hashtag", "citations__paper"):
        those a published post uses, and those no post uses yet (a new author, an uncited
        paper), never one that only drafts or scheduled posts use.
        """
        used = self.filter(**{f"{lookup}__isnull": False}).values(lookup)
        return queryset.filter(Q(pk__in=self.published().values(lookup)) | ~Q(pk__in=used))

    def scheduled(self):
        """Posts with published status dated in the future, the next one due first."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
        ).order_by("published_at", "pk")

    def with_figure(self, image_id: int) -> list:
        """Return the Markdown posts whose body places image `image_id` as a figure."""
        from blog.markup import MARKDOWN, image_references

        candidates = self.filter(body_format=MARKDOWN, body__contains=f"image:{image_id}")
        return [post for post in candidates if image_id in image_references(post.body)]

    def drafts(self):
        return self.filter(status=self.model.Status.DRAFT)

    def with_comment_count(self):
        """Annotate `comment_count`: the comments readers see (`Comment.objects.visible()`),
        as the post page counts them."""
        visible = (
            Comment.objects.visible()
            .filter(post_id=OuterRef("pk"))
            .order_by()
            .values("post_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            comment_count=Coalesce(Subquery(visible, output_field=IntegerField()), Value(0))
        )

    def listing_rows(self):
        """The rows a list of posts shows with each post (author, series, hashtags), without
        the comment count (search counts only the page it shows: blog.search)."""
        return self.select_related("author", "series", "lead_image").prefetch_related(
            _hashtags_in_order(self.model)
        )

    def for_listing(self):
        """Everything a list of posts shows, newest first, in a constant number of queries.

        The comment count groups by post, and Django drops Meta.ordering from grouped
        queries, so the order is stated here.
        """
        return self.listing_rows().with_comment_count().order_by("-published_at", "-pk")

    def before(self, post):
        """Posts published before `post`, the closest first (same time: by primary key)."""
        earlier = Q(published_at__lt=post.published_at) | Q(
            published_at=post.published_at, pk__lt=post.pk
        )
        return self.filter(earlier).order_by("-published_at", "-pk")

    def after(self, post):
        """Posts published after `post`, the closest first."""
        later = Q(published_at__gt=post.published_at) | Q(
            published_at=post.published_at, pk__gt=post.pk
        )
        return self.filter(later).order_by("published_at", "pk")

    def related_to(self, post):
        """Other posts sharing hashtags or cited papers with `post`, the most shared first.

        Uses the post's prefetched hashtags and papers, so it is one query.
        """
        return (
            self.exclude(pk=post.pk)
            .annotate(shared=_shared_with(post))
            .filter(shared__gt=0)
            .order_by(*RELATED_ORDER)
        )

    def around(self, post, *, related: int) -> dict:
        """Return the posts shown under `post`: `previous`, `next` (or None) and up to
        `related` of `related_to(post)`, in one query (the three lists as subqueries).

        The rows come back together: each is sorted into its place by the same rules
        (`before`, `after`, `related_to`'s order), which pick the same posts since every
        row read is a candidate of the list it is put in.
        """
        rows = list(
            self.filter(
                Q(pk__in=self.before(post).values("pk")[:1])
                | Q(pk__in=self.after(post).values("pk")[:1])
                | Q(pk__in=self.related_to(post).values("pk")[:related])
            ).annotate(shared=_shared_with(post))
        )

        def key(row):
            return (row.published_at, row.pk)

        earlier = [row for row in rows if key(row) < key(post)]
        later = [row for row in rows if key(row) > key(post)]
        sharing = [row for row in rows if row.shared > 0]
        sharing.sort(key=lambda row: (-row.shared, -row.published_at.timestamp(), -row.pk))
        return {
            "previous": max(earlier, key=key, default=None),
            "next": min(later, key=key, default=None),
            "related": sharing[:related],
        }

    def for_detail(self):
        """Everything the post page shows except the thread, in a constant number of queries."""
        return self.for_page().prefetch_related(*detail_prefetches(self.model))

    def for_page(self):
        """The post row a post page reads when the post's parts are cached (one query):
        with its author, series and lead image; `blog.post_parts` reads the rest."""
        return self.select_related("author", "series", "lead_image")


RELATED_ORDER = ("-shared", "-published_at", "-pk")


def _shared_with(post):
    """How many hashtags and cited papers a post shares with `post` (prefetched on it)."""
    tags = [tag.pk for tag in post.hashtag_list()]
    papers = [paper.pk for paper in post.paper_list()]
    shared_tags = Count("post_hashtags", filter=Q(post_hashtags__hashtag__in=tags), distinct=True)
    shared_papers = Count("citations", filter=Q(citations__paper__in=papers), distinct=True)
    return shared_tags + shared_papers


def detail_prefetches(post_model) -> list[Prefetch]:
    """What the post page shows of a post beyond its row (three queries): its hashtags,
    its citations with their papers, and the papers' abstracts."""
    # The models are reached through the relations: blog.models imports this module.
    Citation = post_model.citations.rel.related_model
    return [
        _hashtags_in_order(post_model),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("paper").prefetch_related(
                "paper__abstract_sections"
            ),
        ),
    ]


def _hashtags_in_order(post_model) -> Prefetch:
    """Prefetch a post's hashtag links with their hashtags, in one query."""
    links = post_model.post_hashtags.rel.related_model.objects.select_related("hashtag")
    return Prefetch("post_hashtags", queryset=links)


class WithPublishedPostsQuerySet(models.QuerySet):
    """For models whose posts are `posts` (hashtags, series)."""

    def with_published_post_count(self):
        """Only those with a published post, each with `post_count`, by name (one query)."""
        post_model = self.model._meta.get_field("posts").related_model
        return (
            self.filter(posts__in=post_model.objects.published())
            .annotate(post_count=Count("posts", distinct=True))
            .order_by("name")
        )
