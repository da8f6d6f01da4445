from django.db.models import Exists, OuterRef
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


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    pass
