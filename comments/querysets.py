from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from mptt.managers import TreeManager
from mptt.querysets import TreeQuerySet

from comments.signals import comments_changed
from comments.visibility import HIDING, PLACEHOLDER, READ


def published_posts(comment_model):
    """Return the posts readers may see: the post model's own `published()`, reached
    through the comment's `post` relation (comments import nothing from the blog)."""
    return comment_model._meta.get_field("post").related_model.objects.published()


class CommentQuerySet(TreeQuerySet):
    def published(self):
        """Comments with the published status, wherever they are: for staff screens.

        What readers see is `visible()`, which also hides replies under held comments.
        """
        return self.filter(status=READ)

    def for_post(self, post):
        """One post's comments in tree order (parents before children, siblings in order)."""
        return self.filter(post=post).order_by("tree_id", "lft")

    def _hiding_above(self, *, inclusive: bool):
        """Comments with a hiding status above each outer comment (or it, if inclusive)."""
        lft, rght = ("lft__lte", "rght__gte") if inclusive else ("lft__lt", "rght__gt")
        return self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            **{lft: OuterRef("lft"), rght: OuterRef("rght")},
            status__in=HIDING,
        )

    def on_published_posts(self):
        """Comments on posts readers may see (`published_posts`)."""
        return self.filter(post__in=published_posts(self.model))

    def visible(self):
        """Comments readers read and count: published, on a published post, with no
        pending or spam comment above them (comments.visibility). Feeds, counts, the
        sidebar and the thread's own count all mean this.
        """
        return (
            self.filter(status=READ)
            .exclude(Exists(self._hiding_above(inclusive=False)))
            .on_published_posts()
        )

    def shown(self):
        """Comments the post page shows, as `comments.visibility.shown_ids` decides:
        the visible ones and the placeholders kept for them.

        One SQL condition (subqueries on the nested-set fields), so it can count and
        locate without loading a thread. Says nothing of the post: see `located()`.
        """
        # A published reply below a removed comment, with nothing pending or spam between.
        hiding_between = self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__gt=OuterRef(OuterRef("lft")),
            lft__lt=OuterRef("lft"),
            rght__gt=OuterRef("rght"),
            status__in=HIDING,
        )
        shown_reply = self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__gt=OuterRef("lft"),
            rght__lt=OuterRef("rght"),
            status=READ,
        ).exclude(Exists(hiding_between))
        return self.exclude(Exists(self._hiding_above(inclusive=True))).filter(
            Q(status=READ) | (Q(status=PLACEHOLDER) & Q(Exists(shown_reply)))
        )

    def located(self):
        """Comments readers can reach on a post page, each with its post and its
        `thread_position` (see `comments.thread.located_url`)."""
        return self.shown().on_published_posts().with_thread_position().select_related("post")

    def with_thread_position(self):
        """Annotate `thread_position`: how many shown comments of the same post come
        before each comment in tree order (tree_id, lft), which is its index on the
        post page's thread and so decides the comment page it is on.
        """
        before = (
            self.model.objects.shown()
            .filter(post_id=OuterRef("post_id"))
            .filter(
                Q(tree_id__lt=OuterRef("tree_id"))
                | Q(tree_id=OuterRef("tree_id"), lft__lt=OuterRef("lft"))
            )
            .order_by()
            .values("post_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            thread_position=Coalesce(Subquery(before, output_field=IntegerField()), Value(0))
        )


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    def rebuild(self, batch_size=1000, **filters) -> None:
        """Rebuild the nested sets (all trees, or those `filters` pick) from the parents,
        then announce it: raw updates send no model signals (comments.signals)."""
        super().rebuild(batch_size=batch_size, **filters)
        post_ids = set(self.filter(**filters).values_list("post_id", flat=True).distinct())
        if post_ids:
            comments_changed.send(sender=self.model, post_ids=post_ids)
