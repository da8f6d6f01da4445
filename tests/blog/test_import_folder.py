"""`manage.py import_post DIR`: one line per document, a summary, drafts, dry runs, cut-offs."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from tests.conftest import SAMPLES_DIR, SEED_PATH

pytestmark = pytest.mark.django_db

CUT_OFF = "A page saved in a hurry\n\nBody text.\n\n  • A comment that stops mid-wo\n"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_post", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path):
    """A folder with the seed, two samples, a cut-off page and a file that is not a page."""
    shutil.copy(SEED_PATH, tmp_path / "a-seed.txt")
    shutil.copy(SAMPLES_DIR / "minimal.txt", tmp_path / "b-minimal.txt")
    shutil.copy(SAMPLES_DIR / "date-line.txt", tmp_path / "c-date-line.txt")
    (tmp_path / "d-cut-off.txt").write_text(CUT_OFF)
    (tmp_path / "notes.md").write_text("not a post document")
    return tmp_path


def test_a_folder_gets_one_line_per_document_and_a_summary(folder):
    with pytest.raises(CommandError, match="1 of 4 document"):
        run(str(folder))

    # Run again to read the report of a real import that refused one document.
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_post", str(folder), stdout=out, stderr=err)
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("  ")]
    assert [line.split(":")[0] for line in lines[:3]] == ["unchanged"] * 3
    assert lines[-1] == "4 documents: 0 created, 0 updated, 3 unchanged, 1 refused"
    assert err.getvalue().splitlines() == [
        f"{folder / 'd-cut-off.txt'}:5: the page ends inside the comment that starts on "
        "line 5; was it saved completely?"
    ]
    assert Post.objects.count() == 3


def test_the_first_import_of_a_folder_creates_each_post(folder):
    (folder / "d-cut-off.txt").unlink()

    out, _ = run(str(folder))

    # Notes (here: the default author) are indented under their document's line.
    lines = [line for line in out.splitlines() if not line.startswith("  ")]
    assert [line.split(":")[0] for line in lines] == ["created"] * 3 + ["3 documents"]
    assert f"created: {folder / 'b-minimal.txt'} -> “Why we still ask" in lines[1]
    assert lines[-1] == "3 documents: 3 created, 0 updated, 0 unchanged, 0 refused"


def test_a_dry_run_gives_the_same_report_and_writes_nothing(folder):
    with pytest.raises(CommandError):
        run(str(folder), "--dry-run")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_post", str(folder), "--dry-run", stdout=out, stderr=err)

    summary = out.getvalue().splitlines()[-1]
    assert summary == (
        "4 documents: 3 created, 0 updated, 0 unchanged, 1 refused (dry run: nothing was written)"
    )
    assert "d-cut-off.txt:5: the page ends inside" in err.getvalue()
    assert Post.objects.count() == 0


def test_allow_unterminated_accepts_a_page_the_editor_says_is_complete(folder):
    out, _ = run(str(folder / "d-cut-off.txt"), "--allow-unterminated")

    assert out.startswith("created:")
    assert Post.objects.get().comments.get().body == "A comment that stops mid-wo"


def test_drafts_are_reported_and_not_published(folder):
    out, _ = run(str(folder / "b-minimal.txt"), "--draft")

    assert out.splitlines()[0].endswith("(draft)")
    assert Post.objects.get().status == Post.Status.DRAFT
    assert Post.objects.published().count() == 0


def test_a_published_post_imported_again_as_draft_goes_back_to_draft(folder):
    run(str(folder / "b-minimal.txt"))

    out, _ = run(str(folder / "b-minimal.txt"), "--draft", "-v", "2")

    assert out.startswith("updated:")
    assert "  post status changed" in out
    assert Post.objects.get().status == Post.Status.DRAFT


def test_the_default_author_is_named_in_the_report(folder, settings):
    settings.BLOG_DEFAULT_AUTHOR = "The editors"

    out, _ = run(str(folder / "b-minimal.txt"))

    assert "  note: the document names no author: filed under the default author, The editors" in (
        out
    )
    assert Post.objects.get().author.name == "The editors"


def test_files_and_folders_mix_and_a_missing_path_is_refused(folder, tmp_path):
    with pytest.raises(CommandError, match="1 of 2 document"):
        run(str(folder / "b-minimal.txt"), str(tmp_path / "missing.txt"))
