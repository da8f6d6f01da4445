"""Importing Blogger exports (fixtures/blogger, built from Blogger's published Atom schema)."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from blog.models import Post
from blog.platforms.blogger import iter_blogger
from blog.platforms.source import ImportFormatError, SourcePost
from comments.models import Comment
from comments.trees import find_tree_problems

BLOGGER = Path(__file__).resolve().parents[2] / "fixtures" / "blogger"
EXPORT = BLOGGER / "export.xml"
TAKEOUT = BLOGGER / "takeout-2018.xml"


def posts(path: Path) -> dict[str, SourcePost]:
    return {item.title: item for item in iter_blogger(str(path)) if isinstance(item, SourcePost)}


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_blogger", str(path), stdout=out)
    return out.getvalue()


def test_the_parser_reads_posts_labels_drafts_and_dates():
    read = posts(EXPORT)
    assert list(read) == [
        "Draft: vitamin D and relapses",
        "NewsSpeak: EBV and MS",
        "ClinicSpeak: macrophages after alemtuzumab in NMO",
    ]
    clinic = read["ClinicSpeak: macrophages after alemtuzumab in NMO"]
    assert clinic.source_id == "blogger:5550000000000000001"
    assert clinic.slug == "clinicspeak-macrophages-after"
    assert clinic.tags == ("ClinicSpeak", "alemtuzumab", "NMO")
    assert clinic.published_at == datetime.datetime(2014, 10, 10, 8, 30, tzinfo=datetime.UTC)
    assert clinic.body_html == (
        "<p>Alemtuzumab depletes lymphocytes.</p>\n<p><em>What happens in NMO?</em></p>"
    )
    assert read["Draft: vitamin D and relapses"].status == "draft"


def test_comments_follow_thr_in_reply_to_and_their_related_parent():
    clinic = posts(EXPORT)["ClinicSpeak: macrophages after alemtuzumab in NMO"]
    parents = {c.source_id[-1]: c.parent_id[-1:] for c in clinic.comments}
    assert parents == {"1": "", "2": "1", "3": "1", "4": "", "5": "2"}
    anonymous = next(c for c in clinic.comments if c.source_id.endswith("5"))
    assert anonymous.author_name == "" and anonymous.author_email == ""
    linked = next(c for c in clinic.comments if c.source_id.endswith("4"))
    assert linked.body == "Second thread, with a link (https://pubmed.ncbi.nlm.nih.gov/25340085/)."


def test_the_2018_takeout_schema_is_read_too():
    items = list(iter_blogger(str(TAKEOUT)))
    (post,) = [item for item in items if isinstance(item, SourcePost)]
    assert post.slug == "clinicspeak-macrophages-after"
    assert post.tags == ("ClinicSpeak",)
    assert [c.status for c in post.comments] == ["published", "spam"]
    skipped = {item.title: item.reason for item in items if hasattr(item, "reason")}
    assert skipped == {"Deleted post": "in Blogger's trash", "About": "a Blogger page, not a post"}


@pytest.mark.django_db
def test_import_blogger_writes_threads_and_is_idempotent():
    out = run(EXPORT)
    assert "Posts: 3 created" in out
    assert "Authors created: MouseDoctor (mousedoctor), Prof G (prof-g)" in out
    post = Post.objects.get(source_ref="blogger:5550000000000000001")
    levels = dict(post.comments.values_list("source_ref", "level"))
    assert levels == {
        "blogger:8880000000000000001": 0,
        "blogger:8880000000000000002": 1,
        "blogger:8880000000000000003": 1,
        "blogger:8880000000000000004": 0,
        "blogger:8880000000000000005": 2,
    }
    # Tree order, siblings by date, whatever order the export lists them in (newest first).
    assert list(post.comments.order_by("tree_id", "lft").values_list("body", flat=True))[:4] == [
        "Thanks for this. & more",
        "Prof G answers.\nOn two lines.",
        "Reply to a reply.",
        "A reply on the first thread.",
    ]
    assert find_tree_problems() == []
    assert "Posts: 0 created, 0 updated, 3 unchanged" in run(EXPORT)
    assert Comment.objects.count() == 6


@pytest.mark.django_db
def test_a_wordpress_file_given_to_import_blogger_is_refused_naming_the_line():
    wxr = Path(__file__).resolve().parents[2] / "fixtures" / "wordpress" / "export.xml"
    with pytest.raises(
        CommandError, match=r"export.xml:26: not a Blogger export.*import_wordpress"
    ):
        run(wxr)


def test_an_atom_feed_that_is_not_blogger_is_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<entry><id>urn:uuid:1</id><title>x</title></entry></feed>"
    )
    with pytest.raises(ImportFormatError, match="is not a Blogger id") as error:
        list(iter_blogger(str(feed)))
    assert error.value.line == 3
