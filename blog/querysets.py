from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comments.models import Comment


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts readers may see: published status and a publication time not in the future."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Posts with published status dated in the future, the next one due first."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__gt=timezone.now()
        ).order_by("published_at", "pk")

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

    def for_listing(self):
        """Everything a list of posts shows, newest first, in a constant number of queries."""
        return (
            self.select_related("author", "series")
            .prefetch_related(_hashtags_in_order(self.model))
            .with_comment_count()
            .order_by("-published_at", "-pk")
        )

    def for_detail(self):
        """Everything the post page shows except the thread, in a constant number of queries."""
        # The models are reached through the relations: blog.models imports this module.
        Citation = self.model.citations.rel.related_model
        return self.select_related("author", "series").prefetch_related(
            _hashtags_in_order(self.model),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("paper").prefetch_related(
                    "paper__abstract_sections"
                ),
            ),
        )


def _hashtags_in_order(post_model) -> Prefetch:
    """Prefetch a post's hashtag links with their hashtags, in one query."""
    links = post_model.post_hashtags.rel.related_model.objects.select_related("hashtag")
    return Prefetch("post_hashtags", queryset=links)
