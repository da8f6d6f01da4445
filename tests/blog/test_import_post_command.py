"""`manage.py import_post`: reports, dry runs, several paths, and clean errors."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from comments.models import Comment

pytestmark = pytest.mark.django_db

SEED_URL = "/2014/10/clinicspeak-macrophages-infiltrates-after-alemtuzumab-in-a-patient-with-nmo/"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_post", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_reports_what_it_did_and_the_url(seed_path):
    out, _ = run(str(seed_path))

    assert out.startswith(f"created: {seed_path} -> “ClinicSpeak: macrophages")
    assert SEED_URL in out
    assert Post.objects.count() == 1
    assert Comment.objects.count() == 13


def test_second_import_reports_unchanged(seed_path):
    run(str(seed_path))

    out, _ = run(str(seed_path))

    assert out.startswith("unchanged:")
    assert Post.objects.count() == 1
    assert Comment.objects.count() == 13


def test_dry_run_writes_nothing_and_lists_changes(seed_path):
    out, _ = run(str(seed_path), "--dry-run")

    assert out.startswith("would create:")
    assert "  comment 3.9 added" in out
    assert Post.objects.count() == 0
    assert Comment.objects.count() == 0


def test_published_option_sets_the_permalink_date(seed_path):
    out, _ = run(str(seed_path), "--published", "2014-11-03")

    assert "/2014/11/clinicspeak-macrophages" in out


def test_bad_published_option_is_a_clear_error(seed_path):
    with pytest.raises(CommandError, match="--published: 'last week' is not an ISO date"):
        run(str(seed_path), "--published", "last week")


def test_malformed_document_is_named_with_its_line_and_nothing_written(tmp_path, seed_path):
    bad = tmp_path / "broken.txt"
    bad.write_text("A title\n\nSome body text.\n\n      • a reply with no comment above it\n")

    with pytest.raises(CommandError, match="1 of 2 document"):
        run(str(bad), str(seed_path))

    # The good document was still imported; the broken one wrote nothing.
    assert Post.objects.get().source_ref == "clinicspeak-alemtuzumab-nmo"


def test_error_message_has_path_line_and_column(tmp_path):
    bad = tmp_path / "nul.txt"
    bad.write_bytes(b"Title\n\nBody with a \x00 in it.\n")

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_post", str(bad), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().strip() == f"{bad}:3:13: control character NUL is not allowed"
    assert Post.objects.count() == 0


def test_missing_file_is_reported_not_raised(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_post", str(tmp_path / "nope.txt"), stdout=io.StringIO(), stderr=err)
    assert "cannot read the file" in err.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n\n\t\n",
        b"\xff\xfe not utf-8",
        b"Title\n\nBody.\n\n  \xe2\x80\xa2 ok\n\n        \xe2\x80\xa2 deep\n",
    ],
    ids=["empty", "whitespace", "invalid-utf8", "skipped-level"],
)
def test_command_line_never_shows_a_traceback(tmp_path, content):
    """Run the real command in a subprocess: a one-line error and exit status 1."""
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    manage = Path(__file__).resolve().parents[2] / "manage.py"

    done = subprocess.run(
        [sys.executable, str(manage), "import_post", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith(f"{path}:")
