"""One visibility rule (comments.visibility): the SQL and the Python forms agree, and every
place readers see comments (page, sidebar, feeds, counts) uses it."""

import random

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.services import comment_create
from comments.thread import build_thread, thread_comments
from comments.visibility import HIDING, PLACEHOLDER, READ, shown_ids
from tests.factories import PostFactory, bulk_thread
from tests.html import page, text_of

pytestmark = pytest.mark.django_db

STATUSES = list(Comment.Status)


def test_the_rule_names_every_status_once():
    assert {*HIDING, READ, PLACEHOLDER} == set(Comment.Status)
    assert len(HIDING) + 2 == len(Comment.Status)


@pytest.mark.parametrize("seed", range(6))
def test_sql_and_python_agree_on_generated_threads(seed):
    rng = random.Random(seed)
    post = PostFactory()
    count = rng.randrange(20, 80)
    statuses = {n: rng.choice(STATUSES) for n in range(count) if rng.random() < 0.4}
    bulk_thread(post, count, seed=seed, statuses=statuses)
    rows = thread_comments(post)

    in_python = shown_ids(rows)
    thread = build_thread(rows)
    shown_in_sql = set(Comment.objects.filter(post=post).shown().values_list("pk", flat=True))
    visible_in_sql = set(Comment.objects.filter(post=post).visible().values_list("pk", flat=True))

    assert shown_in_sql == in_python == {node.comment.pk for node in thread}
    assert visible_in_sql == {node.comment.pk for node in thread if not node.removed}


@pytest.fixture
def reply_under_held(post):
    """A published reply under a comment held for moderation, and one plain comment."""
    comment_create(post=post, body="Seen by all.", created_at=timezone.now())
    held = comment_create(post=post, body="Held back.", status=Comment.Status.PENDING)
    comment_create(post=post, parent=held, body="Reply under a held comment.")
    return post


def test_comment_feed_leaves_out_replies_under_held_comments(client, reply_under_held):
    post = reply_under_held
    local = timezone.localtime(post.published_at)
    kwargs = {"year": local.year, "month": f"{local.month:02d}", "slug": post.slug}
    response = client.get(reverse("blog:post-comments-feed", kwargs=kwargs))

    entries = feedparser.parse(response.content).entries
    assert [entry.description for entry in entries] == ["Seen by all."]


def test_home_page_counts_the_comments_the_post_page_shows(client, reply_under_held):
    post = reply_under_held
    home = page(client, reverse("blog:post-list"))
    on_post = page(client, post.get_absolute_url())

    assert "1 comment" in text_of(home.find("a", href=f"{post.get_absolute_url()}#comments"))
    assert text_of(on_post.find(id="comments-heading")) == "1 comment"


def test_sidebar_lists_only_visible_comments(client, reply_under_held):
    soup = page(client, reverse("blog:post-list"))

    assert "Seen by all." in soup.text
    assert "Reply under a held comment." not in soup.text
