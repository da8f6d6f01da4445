from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts readers may see: published status and a publication time not in the future."""
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

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
        """Annotate `comment_count`: the published comments readers can see."""
        from comments.models import Comment

        return self.annotate(
            comment_count=Count(
                "comments", filter=Q(comments__status=Comment.Status.PUBLISHED), distinct=True
            )
        )

    def for_listing(self):
        """Everything a list of posts shows, newest first, in a constant number of queries.

        The comment count groups by post, and Django drops Meta.ordering from grouped
        queries, so the order is stated here.
        """
        return (
            self.select_related("author", "series", "lead_image")
            .prefetch_related(_hashtags_in_order())
            .with_comment_count()
            .order_by("-published_at", "-pk")
        )

    def for_detail(self):
        """Everything the post page shows except the thread, in a constant number of queries."""
        from blog.models import Citation

        return self.select_related("author", "series", "lead_image").prefetch_related(
            _hashtags_in_order(),
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("paper").prefetch_related(
                    "paper__abstract_sections"
                ),
            ),
        )


def _hashtags_in_order() -> Prefetch:
    """Prefetch a post's hashtag links with their hashtags, in one query."""
    from blog.models import PostHashtag

    return Prefetch("post_hashtags", queryset=PostHashtag.objects.select_related("hashtag"))
