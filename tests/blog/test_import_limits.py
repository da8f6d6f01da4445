"""Absurd documents are refused at the parse step, fast, with PATH:LINE and a clear
message, and nothing is written: past the settings' limits on hashtags, papers, comments
and line length (blog.importers.limits)."""

import io
import time

import pytest
from django.core.management import CommandError, call_command

from blog.importers import ImportFormatError, parse_post_document
from blog.importers.limits import Limits
from blog.models import Hashtag, Paper, Post
from comments.models import Comment

pytestmark = pytest.mark.django_db

CITATION_LINE = 23  # of the seed document; its first comment bullet is line 40


@pytest.fixture
def seed_lines(seed_path) -> list[str]:
    return seed_path.read_text(encoding="utf-8").split("\n")


def import_error(tmp_path, lines: list[str]) -> str:
    """Import the document through the command; return its error line, checking that
    nothing at all was written."""
    document = tmp_path / "absurd.txt"
    document.write_text("\n".join(lines), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_post", str(document), stdout=io.StringIO(), stderr=err)
    assert (Post.objects.count(), Comment.objects.count()) == (0, 0)
    assert (Hashtag.objects.count(), Paper.objects.count()) == (0, 0)
    return err.getvalue().strip().removeprefix(f"{document}:")


def test_the_defaults_are_the_settings(settings):
    assert (
        settings.IMPORT_MAX_HASHTAGS,
        settings.IMPORT_MAX_PAPERS,
        settings.IMPORT_MAX_COMMENTS,
        settings.IMPORT_MAX_LINE_LENGTH,
    ) == (100, 50, 20_000, 100_000)
    assert Limits() == Limits(hashtags=100, papers=50, comments=20_000, line_length=100_000)


def test_the_seed_is_within_every_limit(seed_path):
    assert parse_post_document(seed_path.read_text(encoding="utf-8")).title


def test_a_101st_hashtag_is_refused_on_its_line(tmp_path, seed_lines):
    # 3 in the teaser; 98 more on line 5 make 101.
    seed_lines[4] += " " + " ".join(f"#Extra{n}" for n in range(98))

    assert import_error(tmp_path, seed_lines) == (
        "5: the document has 101 different hashtags; at most 100 are allowed"
    )


def test_thirty_three_thousand_hashtags_are_refused_quickly(tmp_path, seed_lines):
    # Once a small-integer overflow of the hashtag position, after 65 s.
    tags = [f"#T{n}" for n in range(33_000)]
    paragraphs = [" ".join(tags[i : i + 1000]) for i in range(0, len(tags), 1000)]
    seed_lines[4:4] = [line for paragraph in paragraphs for line in (paragraph, "")]
    started = time.monotonic()

    error = import_error(tmp_path, seed_lines)

    assert error == "5: the document has 33,003 different hashtags; at most 100 are allowed"
    assert time.monotonic() - started < 10


def test_a_51st_paper_is_refused_on_its_line(tmp_path, seed_lines):
    citation = seed_lines[CITATION_LINE - 1]
    seed_lines[CITATION_LINE - 1 : CITATION_LINE - 1] = [citation, ""] * 50  # 51 papers

    assert import_error(tmp_path, seed_lines) == (
        f"{CITATION_LINE + 100}: the document cites 51 papers; at most 50 are allowed"
    )


def test_comments_past_the_limit_are_refused_at_the_first_one_over(tmp_path, seed_lines, settings):
    settings.IMPORT_MAX_COMMENTS = 3  # the seed has 13: its 4th (a reply) starts on line 58

    assert import_error(tmp_path, seed_lines) == (
        "58: the document has 13 comments; at most 3 are allowed"
    )


def test_twenty_thousand_and_one_comment_bullets_are_refused(seed_lines):
    bullets = [line for n in range(20_001) for line in (f"  • Comment {n}.", "")]
    seed_lines[39:39] = bullets

    with pytest.raises(ImportFormatError) as refused:
        parse_post_document("\n".join(seed_lines))

    assert refused.value.line == 40 + 2 * 20_000
    assert refused.value.message == ("the document has 20,014 comments; at most 20,000 are allowed")


def test_a_line_past_the_length_limit_is_refused_with_its_column(tmp_path, seed_lines):
    seed_lines[6] = "x" * 100_001

    assert import_error(tmp_path, seed_lines) == (
        "7:100001: the line is 100,001 characters long; at most 100,000 are allowed"
    )


def test_the_limits_come_from_the_settings(tmp_path, seed_lines, settings):
    settings.IMPORT_MAX_LINE_LENGTH = 50

    assert import_error(tmp_path, seed_lines).startswith(
        "1:51: the line is 76 characters long; at most 50 are allowed"
    )
