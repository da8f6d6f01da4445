"""Edge cases of a WordPress import: broken threads, failures half-way, progress, writes."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authors.models import Author
from blog.models import Post
from blog.platforms import writer
from blog.platforms.writer import ImportOptions, import_items
from blog.platforms.wxr import iter_wxr
from comments.models import Comment
from comments.trees import find_tree_problems
from tests.platforms.test_hostile_xml import HEAD, TAIL
from tests.platforms.test_wordpress_import import EXPORT

pytestmark = pytest.mark.django_db


def comment(comment_id: int, parent: int, *, email: str = "", ip: str = "") -> str:
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>Reader {comment_id}</wp:comment_author>"
        f"<wp:comment_author_email>{email}</wp:comment_author_email>"
        f"<wp:comment_author_IP>{ip}</wp:comment_author_IP>"
        f"<wp:comment_date_gmt>2014-10-11 08:{comment_id:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content>Comment {comment_id}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def post(post_id: int, comments: str = "", slug: str = "") -> str:
    return (
        f"<item><title>Post {post_id}</title><dc:creator>profg</dc:creator>"
        f"<content:encoded>Text {post_id}</content:encoded><wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date_gmt>2014-10-10 08:30:00</wp:post_date_gmt>"
        f"<wp:post_name>{slug or f'post-{post_id}'}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type>{comments}</item>\n"
    )


def wxr(*items: str):
    return iter_wxr(io.BytesIO((HEAD + "".join(items) + TAIL).encode()))


def test_orphans_and_loops_start_their_own_thread_and_are_reported():
    # 3's parent was left out (WordPress leaves spam out); 4 and 5 name each other.
    thread = comment(1, 0) + comment(2, 1) + comment(3, 99) + comment(4, 5) + comment(5, 4)
    report = import_items(wxr(post(1, thread)), options=ImportOptions())
    levels = dict(Comment.objects.values_list("source_ref", "level"))
    assert levels == {"wp:1": 0, "wp:2": 1, "wp:3": 0, "wp:4": 1, "wp:5": 0}
    assert find_tree_problems() == []
    assert any("its parent wp:99 is not in the export" in note for note in report.notes)
    assert any("its parents form a loop" in note for note in report.notes)


def test_bad_emails_addresses_and_a_taken_slug_are_left_out_and_reported():
    Post.objects.create(title="Mine", slug="post-1", body="x", author=_author())
    thread = comment(1, 0, email="not an email", ip="999.1.1.1")
    report = import_items(wxr(post(1, thread)), options=ImportOptions())
    stored = Comment.objects.get(source_ref="wp:1")
    assert stored.author_email == "" and stored.ip_address is None
    assert Post.objects.get(source_ref="wp:1").slug == "post-1-2"
    notes = "\n".join(report.notes)
    assert "email 'not an email' is not valid" in notes
    assert "IP address '999.1.1.1' is not valid" in notes
    assert "slug 'post-1' is taken: 'post-1-2'" in notes


def _author():
    return Author.objects.create(name="Someone", slug="someone")


def test_an_import_that_fails_half_way_leaves_whole_posts_and_nothing_of_the_rest(monkeypatch):
    insert = writer.thread_insert
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            insert(**kwargs)  # the thread is written, then the database "goes away"
            raise ConnectionError("database went away")
        return insert(**kwargs)

    monkeypatch.setattr(writer, "thread_insert", failing)
    items = wxr(post(1, comment(1, 0) + comment(2, 1)), post(2, comment(3, 0) + comment(4, 3)))
    with pytest.raises(ConnectionError):
        import_items(items, options=ImportOptions())
    assert list(Post.objects.values_list("source_ref", flat=True)) == ["wp:1"]
    assert set(Comment.objects.values_list("source_ref", flat=True)) == {"wp:1", "wp:2"}
    assert find_tree_problems() == []


def test_an_unchanged_reimport_writes_nothing():
    call_command("import_wordpress", str(EXPORT), verbosity=0)
    with CaptureQueriesContext(connection) as queries:
        call_command("import_wordpress", str(EXPORT), stdout=StringIO())
    writes = [
        q["sql"] for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]  # fmt: skip
    assert writes == []


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_a_progress_bar():
    err = Terminal()
    call_command("import_wordpress", str(EXPORT), stdout=StringIO(), stderr=err)
    bars = err.getvalue().rstrip("\n").split("\r")[1:]
    assert len(bars) == 5  # one redraw per post
    assert bars[0].endswith(" 1 posts, 13 comments")
    assert bars[-1] == "[" + "#" * 30 + "] 100% 5 posts, 15 comments"


def test_no_progress_bar_when_not_on_a_terminal():
    err = StringIO()
    call_command("import_wordpress", str(EXPORT), stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match=r"nope\.xml: cannot read the file"):
        call_command("import_wordpress", "nope.xml")
