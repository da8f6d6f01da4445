"""RSS and Atom feeds: the whole blog, one hashtag, one author, and one post's comments."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from authors.models import Author
from blog.markup import post_body_text
from blog.models import Hashtag, Post
from comments.models import Comment

FEED_LENGTH = 20


class PostFeed(Feed):
    """The latest published posts (RSS 2.0)."""

    description_template = None

    def title(self, obj=None):
        return settings.BLOG_NAME

    def subtitle(self, obj=None):
        return settings.BLOG_TAGLINE

    description = subtitle

    def link(self, obj=None):
        return reverse("blog:post-list")

    def get_posts(self, obj):
        return Post.objects.published()

    def items(self, obj=None):
        return (
            self.get_posts(obj)
            .select_related("author", "series")
            .prefetch_related("post_hashtags__hashtag")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.teaser or post_body_text(post.body, post.body_format).split("\n\n", 1)[0]

    def item_author_name(self, post):
        return post.author.name

    def item_author_link(self, post):
        return post.author.get_absolute_url()

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return max(post.updated_at, post.published_at)

    def item_categories(self, post):
        return [tag.name for tag in post.hashtag_list()]


class AtomPostFeed(PostFeed):
    feed_type = Atom1Feed


class HashtagPostFeed(PostFeed):
    """Posts carrying one hashtag."""

    def get_object(self, request, slug):
        return get_object_or_404(Hashtag, slug=slug.lower())  # #MSResearch is #msresearch

    def title(self, obj=None):
        return f"{settings.BLOG_NAME}: #{obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def get_posts(self, obj):
        return Post.objects.published().filter(post_hashtags__hashtag=obj)


class AtomHashtagPostFeed(HashtagPostFeed):
    feed_type = Atom1Feed


class AuthorPostFeed(PostFeed):
    """Posts by one author."""

    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def title(self, obj=None):
        return f"{settings.BLOG_NAME}: posts by {obj.name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def get_posts(self, obj):
        return Post.objects.published().filter(author=obj)


class AtomAuthorPostFeed(AuthorPostFeed):
    feed_type = Atom1Feed


class PostCommentFeed(Feed):
    """The newest comments readers see on one post (`Comment.objects.visible()`)."""

    def get_object(self, request, year, month, slug):
        return get_object_or_404(
            Post.objects.published(), published_at__year=year, published_at__month=month, slug=slug
        )  # the same lookup as the post page: local year and month, as the permalink has

    def title(self, post):
        return f"Comments on “{post.title}”"

    def description(self, post):
        return f"Readers' comments on “{post.title}” ({settings.BLOG_NAME})."

    def link(self, post):
        return post.get_absolute_url()

    def items(self, post):
        comments = (
            Comment.objects.visible()
            .filter(post=post)
            .order_by("-created_at", "-tree_id", "-lft")[:FEED_LENGTH]
        )
        for comment in comments:
            comment.post = post  # every item links through the same post: no query per item
        return comments

    def item_title(self, comment):
        return f"{comment.display_name} on “{comment.post.title}”"

    def item_description(self, comment):
        return comment.body

    def item_author_name(self, comment):
        return comment.display_name

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.updated_at


class AtomPostCommentFeed(PostCommentFeed):
    feed_type = Atom1Feed
