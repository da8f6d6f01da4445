"""export_wordpress: a WXR file that re-imports here to the same content."""

import datetime
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from authors.models import Author
from blog.models import Hashtag, Post
from blog.platforms.writer import ImportOptions, import_items
from blog.platforms.wxr import iter_wxr
from comments.models import Comment
from comments.trees import find_tree_problems
from tests.factories import AuthorFactory, PostFactory, SeriesFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def thread(post):
    """Three levels, every status, and text that needs escaping."""
    root = Comment.objects.create(
        post=post, author_name="Emma", author_email="emma@example.org",
        author_url="https://emma.example.org/", ip_address="192.0.2.7",
        body="Is <b>this</b> & that ]]> safe?\n\nSecond paragraph.",
        created_at=NOW - datetime.timedelta(hours=5),
    )  # fmt: skip
    reply = Comment.objects.create(
        post=post, parent=root, author_name="Prof G", body="Yes, see https://example.org/a.",
        created_at=NOW - datetime.timedelta(hours=4),
    )  # fmt: skip
    Comment.objects.create(post=post, parent=reply, body="Held.", status="pending",
                           created_at=NOW - datetime.timedelta(hours=3))  # fmt: skip
    Comment.objects.create(post=post, parent=root, body="Spam!", status="spam", created_at=None)
    Comment.objects.create(post=post, body="Gone.", status="removed",
                           created_at=NOW - datetime.timedelta(hours=2))  # fmt: skip


def snapshot() -> dict:
    posts = {}
    for post in Post.objects.select_related("author", "series").order_by("slug"):
        rows = post.comments.select_related("parent").order_by("created_at", "body")
        comments = [
            (c.level, c.author_name, c.author_email, c.author_url, c.ip_address, c.body,
             c.status, c.created_at, c.parent.body if c.parent else None)
            for c in rows
        ]  # fmt: skip
        posts[post.slug] = {
            "title": post.title,
            "teaser": post.teaser,
            "body_html": post.body_html,
            "status": post.status,
            "published_at": post.published_at,
            "author": (post.author.slug, post.author.name),
            "series": post.series.name if post.series else None,
            "hashtags": [t.name for t in post.hashtag_list()],
            "comments": comments,
        }
    return posts


def export() -> str:
    out = StringIO()
    call_command("export_wordpress", stdout=out)
    return out.getvalue()


def test_the_export_reimports_to_the_same_content():
    SeriesFactory(name="ClinicSpeak", slug="clinicspeak")
    author = AuthorFactory(name="Prof G", slug="profg")
    markdown = PostFactory(
        author=author, title="Markdown & <friends>", slug="markdown",
        body="# Heading\n\nSome **bold** and a [link](https://example.org).\n\n"
             "```\ncode\n\nwith a blank line\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        body_format="markdown", published_at=NOW - datetime.timedelta(days=3),
        tags=["MSResearch", "NMO"],
    )  # fmt: skip
    markdown.series_id = 1
    markdown.save()
    text = PostFactory(
        author=AuthorFactory(name="Mouse Doctor", slug="mouse"),
        slug="text",
        body="Line one\nline two\n\n#MSResearch <b>literal</b>",
        body_format="text",
        published_at=NOW - datetime.timedelta(days=2),
    )
    PostFactory(author=author, slug="draft", status="draft", published_at=NOW)
    PostFactory(author=author, slug="scheduled", published_at=NOW + datetime.timedelta(days=9))
    thread(markdown)
    thread(text)
    before = snapshot()

    wxr = export()
    Post.objects.all().delete()
    Author.objects.all().delete()
    Hashtag.objects.all().delete()
    report = import_items(iter_wxr(io.BytesIO(wxr.encode())), options=ImportOptions())

    assert report.posts["created"] == 4
    assert report.not_imported == [] and report.notes == []
    assert snapshot() == before
    assert find_tree_problems() == []


def test_the_export_names_every_comment_status_and_parent():
    post = PostFactory(title="A ]]> in a title")
    thread(post)
    wxr = export()
    for approved in ("1", "0", "spam", "trash"):
        assert f"<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>" in wxr
    reply = Comment.objects.get(body__startswith="Yes")
    assert f"<wp:comment_parent>{reply.parent_id}</wp:comment_parent>" in wxr
    assert "<title><![CDATA[A ]]]]><![CDATA[> in a title]]></title>" in wxr  # not ended early
    assert next(i for i in iter_wxr(io.BytesIO(wxr.encode())) if hasattr(i, "title")).title == (
        "A ]]> in a title"
    )


def test_the_export_writes_posts_in_chunks_with_constant_queries(django_assert_num_queries):
    for _ in range(3):
        thread(PostFactory())
    # authors; posts; their hashtags; their comments
    with django_assert_num_queries(4):
        export()


def test_export_to_a_file_reports_what_it_wrote(tmp_path):
    thread(PostFactory())
    err = StringIO()
    call_command("export_wordpress", "--output", str(tmp_path / "out.xml"), stderr=err)
    assert "Wrote 1 posts, 5 comments and 1 authors" in err.getvalue()
    assert (tmp_path / "out.xml").read_text().startswith('<?xml version="1.0"')
