"""RSS and Atom feeds: the whole blog, one hashtag, one author, and one post's comments.

Every item carries its full sanitised HTML beside a short summary (`blog.feed_formats`);
every id and link is absolute from SITE_URL (`core.site`), never from the request, so a
feed reads the same whichever host name it was fetched by. Ids: a post's is its
canonical URL, a comment's its permalink (`/comments/<pk>/`), a feed's its own URL.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape

from authors.models import Author
from blog.feed_formats import FullTextAtomFeed, FullTextRssFeed
from blog.models import Hashtag, Post
from blog.structured_data import post_description
from comments.models import Comment
from core.site import absolute_url

FEED_LENGTH = 20
COMMENT_SUMMARY_LENGTH = 200


class SiteFeed(Feed):
    """What every feed shares: the language, and ids and links from SITE_URL.

    `url_name` names the feed's own route (for its `rel="self"` link and Atom id);
    `url_kwargs(obj)` gives that route's arguments.
    """

    feed_type = FullTextRssFeed
    language = "en-gb"
    url_name: str

    def url_kwargs(self, obj) -> dict:
        return {}

    def feed_url(self, obj=None):
        return absolute_url(reverse(self.url_name, kwargs=self.url_kwargs(obj)))

    def feed_guid(self, obj=None):
        return self.feed_url(obj)


class PostFeed(SiteFeed):
    """The latest published posts, full text (RSS 2.0)."""

    url_name = "blog:post-feed"

    def title(self, obj=None):
        return settings.BLOG_NAME

    def subtitle(self, obj=None):
        return settings.BLOG_TAGLINE

    description = subtitle

    def link(self, obj=None):
        return absolute_url(reverse("blog:post-list"))

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

    def item_link(self, post):
        return absolute_url(post.get_absolute_url())

    def item_description(self, post):
        """The summary, as HTML (both formats' summaries are HTML)."""
        return escape(post_description(post))

    def item_extra_kwargs(self, post):
        return {"content": post.body_html}  # sanitised when the post was saved

    def item_author_name(self, post):
        return post.author.name

    def item_author_link(self, post):
        return absolute_url(post.author.get_absolute_url())

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.changed_at

    def item_categories(self, post):
        return [tag.name for tag in post.hashtag_list()]


class AtomPostFeed(PostFeed):
    feed_type = FullTextAtomFeed
    url_name = "blog:post-feed-atom"


class HashtagPostFeed(PostFeed):
    """Posts carrying one hashtag."""

    url_name = "blog:hashtag-feed"

    def get_object(self, request, slug):
        hashtags = Post.objects.reachable(Hashtag.objects, "post_hashtags__hashtag")
        return get_object_or_404(hashtags, slug=slug.lower())  # #MSResearch is #msresearch

    def url_kwargs(self, obj) -> dict:
        return {"slug": obj.slug}

    def title(self, obj=None):
        return f"{settings.BLOG_NAME}: #{obj.name}"

    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url())

    def get_posts(self, obj):
        return Post.objects.published().filter(post_hashtags__hashtag=obj)


class AtomHashtagPostFeed(HashtagPostFeed):
    feed_type = FullTextAtomFeed
    url_name = "blog:hashtag-feed-atom"


class AuthorPostFeed(PostFeed):
    """Posts by one author."""

    url_name = "blog:author-feed"

    def get_object(self, request, slug):
        authors = Post.objects.reachable(Author.objects, "author")
        return get_object_or_404(authors, slug=slug)

    def url_kwargs(self, obj) -> dict:
        return {"slug": obj.slug}

    def title(self, obj=None):
        return f"{settings.BLOG_NAME}: posts by {obj.name}"

    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url())

    def get_posts(self, obj):
        return Post.objects.published().filter(author=obj)


class AtomAuthorPostFeed(AuthorPostFeed):
    feed_type = FullTextAtomFeed
    url_name = "blog:author-feed-atom"


class PostCommentFeed(SiteFeed):
    """The newest comments readers see on one post (`Comment.objects.visible()`), each
    saying what it replies to.

    A comment's id is its permalink; its `thr:in-reply-to` (Atom) names its parent
    comment's id, or for a top-level comment the post's id in the site feed.
    """

    url_name = "blog:post-comments-feed"

    def get_object(self, request, year, month, slug):
        return get_object_or_404(
            Post.objects.published(), published_at__year=year, published_at__month=month, slug=slug
        )  # the same lookup as the post page: local year and month, as the permalink has

    def url_kwargs(self, post) -> dict:
        return post._url_kwargs()  # the same year, month and slug as its permalink

    def title(self, post):
        return f"Comments on “{post.title}”"

    def description(self, post):
        return f"Readers' comments on “{post.title}” ({settings.BLOG_NAME})."

    def link(self, post):
        return absolute_url(post.get_absolute_url()) + "#comments"

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

    def item_link(self, comment):
        return absolute_url(comment.get_absolute_url())

    def item_description(self, comment):
        text = " ".join(comment.body.split())
        if len(text) > COMMENT_SUMMARY_LENGTH:
            text = text[: COMMENT_SUMMARY_LENGTH - 1].rstrip() + "…"
        return escape(text)

    def item_extra_kwargs(self, comment):
        if comment.parent_id is not None:
            parent = absolute_url(reverse("comments:permalink", kwargs={"pk": comment.parent_id}))
            in_reply_to = (parent, parent)
        else:
            post = absolute_url(comment.post.get_absolute_url())
            in_reply_to = (post, post)
        return {"content": comment.body_html, "in_reply_to": in_reply_to}

    def item_author_name(self, comment):
        return comment.display_name

    def item_pubdate(self, comment):
        return comment.created_at  # unknown for some imported comments: then left out

    def item_updateddate(self, comment):
        return comment.updated_at


class AtomPostCommentFeed(PostCommentFeed):
    feed_type = FullTextAtomFeed
    url_name = "blog:post-comments-feed-atom"
