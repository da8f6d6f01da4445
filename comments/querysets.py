from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from mptt.managers import TreeManager
from mptt.querysets import TreeQuerySet

# Statuses that hide a comment together with every reply under it (comments.thread).
HIDING_STATUSES = ("pending", "spam")


class CommentQuerySet(TreeQuerySet):
    def published(self):
        return self.filter(status="published")

    def for_post(self, post):
        """One post's comments in tree order (parents before children, siblings in order)."""
        return self.filter(post=post).order_by("tree_id", "lft")

    def visible(self):
        """Comments readers see on the post page: published, on a published post, and with
        no pending or spam comment above them (the thread hides those with their replies).
        """
        from blog.models import Post

        hidden_ancestor = self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__lt=OuterRef("lft"),
            rght__gt=OuterRef("rght"),
            status__in=HIDING_STATUSES,
        )
        return (
            self.published()
            .filter(post__in=Post.objects.published())
            .exclude(Exists(hidden_ancestor))
        )

    def shown(self):
        """Comments the post page shows, as `comments.thread.build_thread` decides.

        Published comments, and removed ones kept as placeholders because a published
        reply somewhere below them is shown; never anything under a pending or spam
        comment, nor a pending or spam comment itself. One SQL condition (subqueries
        on the nested-set fields), so it can count and locate without loading a thread.
        """
        hidden_self_or_ancestor = self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__lte=OuterRef("lft"),
            rght__gte=OuterRef("rght"),
            status__in=HIDING_STATUSES,
        )
        # A published reply below a removed comment, with nothing pending or spam between.
        hidden_between = self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__gt=OuterRef(OuterRef("lft")),
            lft__lt=OuterRef("lft"),
            rght__gt=OuterRef("rght"),
            status__in=HIDING_STATUSES,
        )
        shown_reply = self.model.objects.filter(
            tree_id=OuterRef("tree_id"),
            lft__gt=OuterRef("lft"),
            rght__lt=OuterRef("rght"),
            status="published",
        ).exclude(Exists(hidden_between))
        return self.exclude(Exists(hidden_self_or_ancestor)).filter(
            Q(status="published") | (Q(status="removed") & Q(Exists(shown_reply)))
        )

    def located(self):
        """Comments readers can reach on a post page, each with its post and its
        `thread_position` (see `comments.thread.located_url`)."""
        from blog.models import Post

        return (
            self.shown()
            .filter(post__in=Post.objects.published())
            .with_thread_position()
            .select_related("post")
        )

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
    pass
