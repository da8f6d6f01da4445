"""Retire cached pages when what they show is saved or deleted (rules in blog.caching).

Every model a post page shows is covered, however it is written: services, the admin,
the importer, the shell. Comment writes that send no model signals (bulk updates and
inserts) send `comments.signals.comments_changed`. A comment retires its own post's
version and the site version, never the site posts version (`blog.caching.versions`), so
other posts' pages stay cached. The importer's bulk writes of the
blog's own rows call blog.caching.posts_changed itself.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from mptt.signals import node_moved

from authors.models import Author
from blog import caching
from blog.models import (
    AbstractSection,
    Citation,
    Hashtag,
    Page,
    Paper,
    Post,
    PostHashtag,
    Series,
)
from comments.models import Comment
from comments.signals import comments_changed
from images.models import Image
from images.usage import register_usage


@receiver(post_save, sender=Post)
def post_saved(sender, instance, **kwargs):
    caching.posts_changed([instance.pk])
    caching.post_saved(instance)


@receiver(post_delete, sender=Post)
def post_deleted(sender, instance, **kwargs):
    caching.posts_changed([instance.pk])


# Saving only these shows in the comment's own tree alone (its text, its replies'
# excerpts of it), so comment pages before that tree stay cached. Anything else may show
# on any page: a name or status changes what names link to (comments.mentions), and a
# move or a delete changes trees.
TREE_LOCAL_FIELDS = frozenset({"body", "body_html", "updated_at", "notify_replies"})


@receiver(post_save, sender=Comment)
def comment_saved(sender, instance, created, update_fields=None, **kwargs):
    local = created or (update_fields is not None and update_fields <= TREE_LOCAL_FIELDS)
    from_tree = instance.tree_id if local else caching.ALL_TREES
    caching.comments_changed([instance.post_id], from_tree=from_tree)


@receiver(post_delete, sender=Comment)
def comment_deleted(sender, instance, **kwargs):
    caching.comments_changed([instance.post_id])


@receiver(node_moved, sender=Comment)
def comment_moved(sender, instance, **kwargs):
    caching.comments_changed([instance.post_id])  # from its old tree too: every page


@receiver([post_save, post_delete], sender=PostHashtag)
@receiver([post_save, post_delete], sender=Citation)
def part_of_post_written(sender, instance, **kwargs):
    caching.posts_changed([instance.post_id])


@receiver(comments_changed)
def comments_written(sender, post_ids, **kwargs):
    caching.comments_changed(post_ids)


# Shared by many posts. On delete, the posts are found before the delete unlinks them.
_POSTS_SHOWING = {
    Author: "author",
    Series: "series",
    Hashtag: "post_hashtags__hashtag",
    Paper: "citations__paper",
}


@receiver([post_save, pre_delete], sender=Author)
@receiver([post_save, pre_delete], sender=Series)
@receiver([post_save, pre_delete], sender=Hashtag)
@receiver([post_save, pre_delete], sender=Paper)
def shared_part_written(sender, instance, **kwargs):
    lookup = _POSTS_SHOWING[sender]
    caching.posts_changed(Post.objects.filter(**{lookup: instance}).values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=Page)
def page_written(sender, instance, **kwargs):
    caching.posts_changed([])  # a page is no post's, but the site version dates it


@receiver([post_save, post_delete], sender=AbstractSection)
def abstract_written(sender, instance, **kwargs):
    caching.posts_changed(
        Post.objects.filter(citations__paper_id=instance.paper_id).values_list("pk", flat=True)
    )


@receiver(post_save, sender=Image)
def image_saved(sender, instance, **kwargs):
    """New alt text, caption or credit: re-render the bodies placing it; retire lead pages."""
    if kwargs.get("created"):
        return
    for post in Post.objects.with_figure(instance.pk):
        post.save(update_fields=["body_html"])  # re-renders; its own signal retires the page
    caching.posts_changed(Post.objects.filter(lead_image=instance).values_list("pk", flat=True))


# An image placed as a figure in a post's body cannot be deleted from the image admin.
register_usage(lambda image: Post.objects.with_figure(image.pk))
