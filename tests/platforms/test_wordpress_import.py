"""Importing the real WordPress exports (fixtures/wordpress, made by WordPress itself)."""

import datetime
import xml.etree.ElementTree as ElementTree
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from authors.models import Author
from blog.models import Post
from blog.platforms.writer import ImportOptions, import_items
from blog.platforms.wxr import iter_wxr
from comments.identity import anonymous_label
from comments.models import Comment
from comments.trees import find_tree_problems
from tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db

WORDPRESS = Path(__file__).resolve().parents[2] / "fixtures" / "wordpress"
EXPORT = WORDPRESS / "export.xml"
UPDATED = WORDPRESS / "export-updated.xml"
WP = "{http://wordpress.org/export/1.2/}"
STATUS = {"1": "published", "0": "pending", "spam": "spam", "trash": "removed"}


def wordpress_truth(path: Path) -> dict:
    """What WordPress exported, read independently of the importer (trusted fixture)."""
    posts, comments = {}, {}
    for item in ElementTree.parse(path).getroot().iter("item"):
        if item.findtext(f"{WP}post_type") != "post":
            continue
        post_id = item.findtext(f"{WP}post_id")
        posts[f"wp:{post_id}"] = (item.findtext("title"), item.findtext(f"{WP}status"))
        for c in item.iter(f"{WP}comment"):
            if c.findtext(f"{WP}comment_type") in ("pingback", "trackback"):
                continue
            parent = c.findtext(f"{WP}comment_parent")
            comments[f"wp:{c.findtext(f'{WP}comment_id')}"] = {
                "post": f"wp:{post_id}",
                "parent": f"wp:{parent}" if parent != "0" else None,
                "status": STATUS[c.findtext(f"{WP}comment_approved")],
            }
    depth = {}
    for ref, comment in comments.items():
        level, parent = 0, comment["parent"]
        while parent:
            level, parent = level + 1, comments[parent]["parent"]
        depth[ref] = level
    return {"posts": posts, "comments": comments, "depths": Counter(depth.values())}


def run(path: Path, **options) -> str:
    out = StringIO()
    args = [f"--{k.replace('_', '-')}" if v is True else f"--{k.replace('_', '-')}={v}"
            for k, v in options.items()]  # fmt: skip
    call_command("import_wordpress", str(path), *args, stdout=out)
    return out.getvalue()


def test_every_post_arrives_with_its_status_title_and_gmt_date():
    run(EXPORT)
    truth = wordpress_truth(EXPORT)
    posts = {p.source_ref: p for p in Post.objects.all()}
    assert set(posts) == set(truth["posts"])
    expected_status = {"publish": "published", "future": "published", "private": "draft"}
    for ref, (title, wp_status) in truth["posts"].items():
        assert posts[ref].title == title
        assert posts[ref].status == expected_status.get(wp_status, "draft")
    first = posts["wp:4"]
    assert first.published_at == datetime.datetime(2014, 10, 10, 8, 30, tzinfo=datetime.UTC)
    assert first.slug == "clinicspeak-macrophages-after-alemtuzumab-in-nmo"
    scheduled = Post.objects.get(title="Scheduled: ECTRIMS preview")
    assert scheduled.status == "published" and not scheduled.is_published()
    assert scheduled in Post.objects.all() and scheduled not in Post.objects.published()


def test_every_comment_arrives_with_its_parent_and_status():
    run(EXPORT)
    truth = wordpress_truth(EXPORT)["comments"]
    stored = {c.source_ref: c for c in Comment.objects.select_related("parent", "post").all()}
    assert set(stored) == set(truth)
    for ref, expected in truth.items():
        comment = stored[ref]
        assert comment.post.source_ref == expected["post"]
        assert (comment.parent.source_ref if comment.parent else None) == expected["parent"]
        assert comment.status == expected["status"]
    assert find_tree_problems() == []


def test_the_thread_has_as_many_comments_at_each_depth_as_in_wordpress():
    run(EXPORT)
    truth = wordpress_truth(EXPORT)["depths"]
    assert Counter(Comment.objects.values_list("level", flat=True)) == truth
    assert max(truth) == 6  # deeper than the site lets readers reply: kept as it was


def test_the_rendered_thread_has_wordpress_s_shape(client):
    """Readers see each published comment nested as deep as in WordPress."""
    run(EXPORT)
    comments = wordpress_truth(EXPORT)["comments"]

    def depth(ref: str) -> int | None:
        """The depth WordPress shows it at, or None if readers do not see it."""
        level, current = 0, comments[ref]
        if current["status"] != "published":
            return None
        while current["parent"]:
            current = comments[current["parent"]]
            if current["status"] != "published":
                return None
            level += 1
        return level

    expected = Counter(
        depth(ref) for ref, c in comments.items() if c["post"] == "wp:4" and depth(ref) is not None
    )
    html = client.get(Post.objects.get(source_ref="wp:4").get_absolute_url()).content
    articles = BeautifulSoup(html, "html.parser").select("article.comment[id^=comment-]")
    shown = Counter(len(article.find_parents("article")) for article in articles)
    assert shown == expected
    assert max(shown) == 6
    assert "Held for moderation." not in html.decode()  # pending stays invisible


def test_comment_fields_arrive():
    run(EXPORT)
    emma = Comment.objects.get(source_ref="wp:2")
    assert emma.author_name == "Emma Smith"
    assert emma.author_email == "emma@example.org"
    assert emma.author_url == "https://emma.example.org/"
    assert emma.ip_address.startswith("192.0.2.")
    assert emma.created_at == datetime.datetime(2014, 10, 11, 8, 7, tzinfo=datetime.UTC)
    assert emma.body == "Thanks for this.\n\nSecond paragraph bold."
    # WordPress kept the unnamed commenter's address, so they get their thread's stable
    # label (comments.identity), as a new unnamed commenter here would.
    unnamed = Comment.objects.get(source_ref="wp:15")
    assert unnamed.author_name == ""
    assert unnamed.display_name == anonymous_label(
        unnamed.post_id, unnamed.author_email, unnamed.ip_address
    )
    assert unnamed.display_name.startswith("Anonymous ")


def test_authors_keep_login_and_display_name():
    out = run(EXPORT)
    assert set(Author.objects.values_list("slug", "name")) == {
        ("profg", "Prof G"),
        ("mousedoctor", "MouseDoctor"),
    }
    assert Post.objects.get(source_ref="wp:6").author.slug == "mousedoctor"
    assert "Authors created: MouseDoctor (mousedoctor), Prof G (profg)" in out


def test_categories_become_series_where_the_site_has_the_column_else_hashtags():
    SeriesFactory(name="ClinicSpeak", slug="clinicspeak")
    run(EXPORT)
    post = Post.objects.get(source_ref="wp:4")
    assert post.series.name == "ClinicSpeak"
    assert [t.name for t in post.hashtag_list()] == ["Research", "alemtuzumab", "MSResearch", "NMO"]
    assert Post.objects.get(source_ref="wp:7").hashtag_list() == []  # "Uncategorized" dropped


def test_content_becomes_clean_html_with_the_html_body_format():
    run(EXPORT)
    post = Post.objects.get(source_ref="wp:4")
    assert post.body_format == Post.BodyFormat.HTML
    assert "<script" not in post.body_html and "javascript:" not in post.body_html
    assert "<figcaption>Brainstem lesions after treatment</figcaption>" in post.body_html
    assert "<p>The case shows macrophage infiltrates.<br>\nA line break" in post.body_html
    assert "[gallery" not in post.body_html and "[caption" not in post.body_html
    assert post.teaser == "Should alemtuzumab be used in NMO? A case report."


def test_the_report_counts_and_lists_what_was_not_imported():
    out = run(EXPORT)
    assert "Posts: 5 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "Comments: 15 (2 pending, 12 published, 1 removed); 15 added, 0 updated" in out
    assert "pingback wp:16: a pingback" in out and "trackback wp:17" in out
    assert "wp:10 “About this blog”: a WordPress page, not a post" in out
    assert "mri.png (mri, attached to wp:4)" in out
    assert "shortcode [gallery] dropped" in out


def test_a_second_import_is_unchanged(django_assert_max_num_queries):
    run(EXPORT)
    before = list(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "updated_at"))
    posts_before = list(Post.objects.values_list("pk", "updated_at"))
    out = run(EXPORT)
    assert "Posts: 0 created, 0 updated, 5 unchanged, 0 skipped" in out
    assert "0 added, 0 updated" in out
    assert list(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "updated_at")) == before
    assert list(Post.objects.values_list("pk", "updated_at")) == posts_before


def test_a_newer_export_updates_in_place():
    run(EXPORT)
    ids = dict(Comment.objects.values_list("source_ref", "pk"))
    out = run(UPDATED)
    assert "Posts: 0 created, 1 updated, 4 unchanged, 0 skipped" in out
    assert "1 added, 1 updated" in out
    post = Post.objects.get(source_ref="wp:4")
    assert post.title.endswith("(updated)")
    assert post.teaser == "Updated after the authors replied."
    assert Comment.objects.get(source_ref="wp:11").status == "published"
    late = Comment.objects.get(source_ref="wp:20")
    assert late.parent.source_ref == "wp:11"
    assert {
        ref: pk for ref, pk in Comment.objects.values_list("source_ref", "pk") if ref in ids
    } == ids
    assert find_tree_problems() == []
    assert (
        Counter(Comment.objects.values_list("level", flat=True))
        == wordpress_truth(UPDATED)["depths"]
    )


def test_dry_run_saves_nothing_but_reports():
    out = run(EXPORT, dry_run=True)
    assert "Posts: 5 created" in out and "dry run" in out
    assert "15 would be added" in out
    assert (
        not Post.objects.exists() and not Comment.objects.exists() and not Author.objects.exists()
    )


def test_as_draft_imports_every_post_as_a_draft():
    run(EXPORT, as_draft=True)
    assert set(Post.objects.values_list("status", flat=True)) == {"draft"}


def test_since_skips_posts_untouched_since_the_date():
    out = run(EXPORT, since="2015-01-01")
    assert set(Post.objects.values_list("source_ref", flat=True)) == {"wp:7", "wp:8", "wp:9"}
    assert "not changed since 2015-01-01" in out


def test_pingbacks_can_be_held_apart_from_the_discussion():
    run(EXPORT, pingbacks="hold")
    pingback = Comment.objects.get(source_ref="wp:16")
    assert pingback.status == "pending"
    assert pingback.author_url == "http://other.example.net/2014/10/nmo/"
    assert pingback.body == "[…] Prof G writes about alemtuzumab in NMO […]"


def test_import_items_is_the_same_loop_the_command_uses():
    report = import_items(iter_wxr(str(EXPORT)), options=ImportOptions())
    assert report.posts["created"] == 5
    assert report.comments == Counter(published=12, pending=2, removed=1)
