from mptt.managers import TreeManager
from mptt.querysets import TreeQuerySet


class CommentQuerySet(TreeQuerySet):
    def published(self):
        return self.filter(status="published")

    def for_post(self, post):
        """One post's comments in tree order (parents before children, siblings in order)."""
        return self.filter(post=post).order_by("tree_id", "lft")


class CommentManager(TreeManager.from_queryset(CommentQuerySet)):
    pass
