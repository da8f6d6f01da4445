"""The post admin: columns, filters, a publication state, constant queries on the list."""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blog.admin import PostAdmin
from blog.models import Post
from tests.factories import CommentFactory, HashtagFactory, PostFactory
from tests.html import form_data, page

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
CHANGELIST = reverse("admin:blog_post_changelist")


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow_with_posts(staff_client, author):
    for _ in range(2):
        CommentFactory(post=PostFactory(author=author))
    two = _changelist_queries(staff_client)
    for _ in range(18):
        CommentFactory(post=PostFactory(author=author))

    assert _changelist_queries(staff_client) == two


@time_machine.travel(NOW, tick=False)
def test_publication_column_shows_draft_scheduled_published(author):
    draft = PostFactory(author=author, status=Post.Status.DRAFT)
    scheduled = PostFactory(
        author=author, status=Post.Status.PUBLISHED, published_at=NOW + datetime.timedelta(days=1)
    )
    published = PostFactory(author=author, status=Post.Status.PUBLISHED, published_at=NOW)
    column = PostAdmin.publication

    assert [column(None, p) for p in (draft, scheduled, published)] == [
        "Draft",
        "Scheduled for 2 Mar 2026, 12:00",  # when it goes live, London time (GMT in March)
        "Published",
    ]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("state", "expected"), [("draft", {"d"}), ("scheduled", {"s"}), ("published", {"p"})]
)
def test_publication_filter(staff_client, author, state, expected):
    PostFactory(author=author, title="d", status=Post.Status.DRAFT)
    PostFactory(
        author=author,
        title="s",
        status=Post.Status.PUBLISHED,
        published_at=NOW + datetime.timedelta(hours=1),
    )
    PostFactory(author=author, title="p", status=Post.Status.PUBLISHED, published_at=NOW)

    response = staff_client.get(CHANGELIST, {"state": state})

    assert {p.title for p in response.context["cl"].result_list} == expected


def test_hashtag_filter_keeps_comment_counts(staff_client, author):
    tag, other = HashtagFactory(), HashtagFactory()
    post = PostFactory(author=author)
    post.hashtags.add(tag, through_defaults={"position": 0})
    post.hashtags.add(other, through_defaults={"position": 1})
    CommentFactory(post=post)
    CommentFactory(post=post)

    response = staff_client.get(CHANGELIST, {"hashtags__id__exact": tag.pk})

    assert [p.comment_total for p in response.context["cl"].result_list] == [2]


def test_add_form_prefills_slug_and_uses_autocomplete(staff_client):
    response = staff_client.get(reverse("admin:blog_post_add"))
    prepopulated = response.context_data["adminform"].prepopulated_fields
    html = response.content.decode()

    assert [(p["field"].name, [d.name for d in p["dependencies"]]) for p in prepopulated] == [
        ("slug", ["title"])
    ]
    assert 'name="author"' in html and "admin-autocomplete" in html
    assert 'name="post_hashtags-__prefix__-hashtag"' in html


def test_scheduled_post_is_hidden_from_readers_until_its_time(client, author):
    at = NOW + datetime.timedelta(days=2)
    post = PostFactory(author=author, status=Post.Status.PUBLISHED, published_at=at)
    url = post.get_absolute_url()

    with time_machine.travel(NOW, tick=False):
        before = client.get(url).status_code
    with time_machine.travel(at + datetime.timedelta(minutes=1), tick=False):
        after = client.get(url).status_code

    assert (before, after) == (404, 200)


def test_saving_the_form_as_a_browser_sends_it_keeps_the_text_unchanged(staff_client, author):
    post = PostFactory(author=author, teaser="One line.\nAnother.", body="One.\n\nTwo.")
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_data(page(staff_client, url).find("form", id="post_form"))
    assert data["body"] == ["One.\r\n\r\nTwo."]  # browsers send CRLF

    assert staff_client.post(url, data).status_code == 302

    post.refresh_from_db()
    assert (post.teaser, post.body) == ("One line.\nAnother.", "One.\n\nTwo.")
    entry = LogEntry.objects.get(object_id=str(post.pk))
    assert entry.get_change_message() == "No fields changed."
