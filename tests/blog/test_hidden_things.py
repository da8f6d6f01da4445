"""What readers cannot see stays unreachable: authors, hashtags, series and papers used
only by drafts or scheduled posts, replies under held or spam comments, and a draft's
slug answered 304 to a conditional GET."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from blog.models import Post
from comments.models import Comment
from comments.services import comment_create
from tests.factories import (
    AuthorFactory,
    CitationFactory,
    HashtagFactory,
    PostFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


LATER = timezone.now() + datetime.timedelta(days=3)


def _hidden_post(state: str, **kwargs):
    if state == "draft":
        return PostFactory(status="draft", **kwargs)
    return PostFactory(published_at=LATER, **kwargs)  # scheduled


def _urls_of(state: str) -> list[str]:
    """The reader pages and feeds of an author, hashtag, series and paper that only a
    post in `state` (draft or scheduled) uses."""
    author, series, hashtag = AuthorFactory(), SeriesFactory(name="Hidden"), HashtagFactory()
    post = _hidden_post(state, author=author, series=series)
    post.post_hashtags.create(hashtag=hashtag, position=0)
    paper = CitationFactory(post=post).paper
    return [
        reverse("blog:author-detail", kwargs={"slug": author.slug}),
        reverse("blog:author-feed", kwargs={"slug": author.slug}),
        reverse("blog:author-feed-atom", kwargs={"slug": author.slug}),
        reverse("blog:series-detail", kwargs={"slug": series.slug}),
        reverse("blog:hashtag-detail", kwargs={"slug": hashtag.slug}),
        reverse("blog:hashtag-feed", kwargs={"slug": hashtag.slug}),
        reverse("blog:hashtag-feed-atom", kwargs={"slug": hashtag.slug}),
        reverse("blog:paper-detail", kwargs={"pk": paper.pk}),
        reverse("blog:paper-ris", kwargs={"pk": paper.pk}),
        reverse("blog:paper-bibtex", kwargs={"pk": paper.pk}),
        reverse("blog:paper-csl-json", kwargs={"pk": paper.pk}),
    ]


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_things_only_hidden_posts_use_are_not_found(client, state):
    statuses = {url: client.get(url).status_code for url in _urls_of(state)}

    assert statuses == dict.fromkeys(statuses, 404)


def test_they_are_found_once_a_published_post_uses_them(client):
    urls = _urls_of("draft")
    Post.objects.update(status="published")

    statuses = {url: client.get(url).status_code for url in urls}

    assert statuses == dict.fromkeys(statuses, 200)


# Replies under a held or spam comment


@pytest.fixture
def hidden_reply(seed_post):
    """A published reply (and its own reply) under a root comment then held or spam."""
    root = comment_create(post=seed_post, body="A root that turns out to be spam.")
    child = comment_create(post=seed_post, parent=root, body="Published reply under it.")
    comment_create(post=seed_post, parent=child, body="Published grandchild under it.")
    return root


@pytest.mark.parametrize("status", ["spam", "pending"])
def test_the_comment_feeds_leave_out_replies_under_hidden_comments(
    client, seed_post, hidden_reply, status
):
    Comment.objects.filter(pk=hidden_reply.pk).update(status=status)
    kwargs = {
        "year": seed_post.published_at.year,
        "month": seed_post.published_at.month,
        "slug": seed_post.slug,
    }
    for name in ["blog:post-comments-feed", "blog:post-comments-feed-atom"]:
        feed = client.get(reverse(name, kwargs=kwargs)).content.decode()

        assert "under it." not in feed
        assert "Comment" in feed or "comment" in feed  # the feed itself is served


@pytest.mark.parametrize("status", ["spam", "pending"])
def test_reply_pages_under_hidden_comments_are_not_found(client, hidden_reply, status):
    Comment.objects.filter(pk=hidden_reply.pk).update(status=status)
    below = Comment.objects.filter(body__endswith="under it.")

    statuses = [
        client.get(reverse("comments:reply", kwargs={"pk": c.pk})).status_code for c in below
    ]

    assert statuses == [404, 404]


# Conditional GETs for a draft's address


@pytest.mark.parametrize("state", ["draft", "scheduled"])
@pytest.mark.parametrize("days", [0, 1, 365 * 30])
def test_a_hidden_posts_address_never_answers_304(client, state, days):
    post = _hidden_post(state)
    url = reverse(
        "blog:post-detail",
        kwargs={
            "year": post.published_at.year,
            "month": post.published_at.month,
            "slug": post.slug,
        },
    )
    assert client.get(url).status_code == 404  # the first probe (makes its versions)
    since = http_date((timezone.now() + datetime.timedelta(days=days)).timestamp())

    response = client.get(url, HTTP_IF_MODIFIED_SINCE=since)

    assert response.status_code == 404


def test_a_published_post_still_answers_304_to_a_current_copy(client, post):
    url = post.get_absolute_url()
    first = client.get(url)

    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (first.status_code, again.status_code) == (200, 304)


def test_a_post_taken_back_to_draft_no_longer_answers_304(
    client, post, django_capture_on_commit_callbacks
):
    url = post.get_absolute_url()
    first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        post.status = "draft"
        post.save()

    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (first.status_code, again.status_code) == (200, 404)


def test_things_no_post_uses_yet_are_still_found(client):
    author, hashtag = AuthorFactory(), HashtagFactory()
    paper = CitationFactory(post=PostFactory(author=author)).paper
    paper.citations.all().delete()

    urls = [author.get_absolute_url(), hashtag.get_absolute_url(), paper.get_absolute_url()]

    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
