"""RSS and Atom feeds parse cleanly with feedparser and list only what readers can see."""

import datetime

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.html import warm_queries

pytestmark = pytest.mark.django_db


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    return response, feed


def post_kwargs(post) -> dict:
    local = timezone.localtime(post.published_at)
    return {"year": local.year, "month": f"{local.month:02d}", "slug": post.slug}


def every_feed_url(post) -> list[str]:
    return [
        reverse("blog:post-feed"),
        reverse("blog:post-feed-atom"),
        reverse("blog:hashtag-feed", kwargs={"slug": "msresearch"}),
        reverse("blog:hashtag-feed-atom", kwargs={"slug": "msresearch"}),
        reverse("blog:author-feed", kwargs={"slug": post.author.slug}),
        reverse("blog:author-feed-atom", kwargs={"slug": post.author.slug}),
        reverse("blog:post-comments-feed", kwargs=post_kwargs(post)),
        reverse("blog:post-comments-feed-atom", kwargs=post_kwargs(post)),
    ]


def test_every_feed_parses_without_errors(client, seed_post):
    versions = set()
    for url in every_feed_url(seed_post):
        _, feed = fetch(client, url)
        assert feed.entries, url
        versions.add(feed.version)

    assert versions == {"rss20", "atom10"}


def test_site_feed_lists_the_post_with_its_hashtags(client, seed_post):
    _, feed = fetch(client, reverse("blog:post-feed-atom"))

    [entry] = feed.entries
    assert entry.title == seed_post.title
    assert entry.link == f"{settings.SITE_URL}{seed_post.get_absolute_url()}"
    assert entry.author == "Prof G"
    assert [tag.term for tag in entry.tags] == ["MSResearch", "MSBlog", "ClinicSpeak"]
    assert entry.summary == "What does the pathology of a case of NMO teach us about alemtuzumab?"


def test_feeds_leave_out_drafts_and_future_posts(client, seed_post):
    PostFactory(author=seed_post.author, status="draft", title="A draft")
    PostFactory(
        author=seed_post.author,
        title="Tomorrow's post",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )

    _, feed = fetch(client, reverse("blog:post-feed"))

    assert [entry.title for entry in feed.entries] == [seed_post.title]


def test_hashtag_feed_is_case_insensitive_and_filtered(client, seed_post):
    PostFactory(author=seed_post.author, title="Untagged post")

    _, feed = fetch(client, reverse("blog:hashtag-feed", kwargs={"slug": "MSResearch"}))

    assert [entry.title for entry in feed.entries] == [seed_post.title]


def test_unknown_hashtag_or_author_feed_is_404(client, db):
    assert client.get(reverse("blog:hashtag-feed", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("blog:author-feed", kwargs={"slug": "nobody"})).status_code == 404


def test_comment_feed_lists_published_comments_with_permalinks(client, seed_post):
    voltaire = Comment.objects.get(source_ref="3")
    Comment.objects.filter(source_ref="1").update(status=Comment.Status.SPAM)

    _, feed = fetch(client, reverse("blog:post-comments-feed", kwargs=post_kwargs(seed_post)))

    assert len(feed.entries) == 12
    links = {entry.link for entry in feed.entries}
    # Each links to the comment's stable address, which leads to the page showing it.
    assert f"{settings.SITE_URL}/comments/{voltaire.pk}/" in links
    landing = client.get(f"/comments/{voltaire.pk}/")
    assert landing["Location"] == f"{seed_post.get_absolute_url()}#comment-{voltaire.pk}"
    assert all(entry.author == "Anonymous" for entry in feed.entries)


def test_feed_query_counts_do_not_grow_with_content(client, seed_post):
    def count(url):
        return warm_queries(client, url)

    urls = every_feed_url(seed_post)
    before = [count(url) for url in urls]
    for n in range(15):
        post = PostFactory(author=seed_post.author, tags=["MSResearch", f"Extra{n}"])
        CommentFactory(post=seed_post, body=f"More {n}")
        CommentFactory(post=post)

    assert [count(url) for url in urls] == before
