"""Fuzz the document parser: whatever the input, it parses or raises ImportFormatError.

Pure tests, no database. The inputs are arbitrary text and bytes, and copies of the seed
with lines deleted, duplicated, swapped, inserted or re-indented and characters inserted.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blog.importers import ImportFormatError, ParsedPost, decode_document, parse_post_document
from tests.conftest import SAMPLES_DIR, SEED_PATH
from tests.thorough import examples, property_test

SEED_LINES = SEED_PATH.read_text(encoding="utf-8").split("\n")
SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))

# Characters the grammar treats specially, so random text hits its corners often.
SPECIAL = [
    "\n", "\r", "\r\n", "\t", " ", "\u00a0", "\ufeff", "\x00", "\x07", "\x85", "\x7f",
    "•", "◦", "▪", "‣", "#", ":", ".", ";", "(", ")", "?", "!", "1.", "2)", "10000.",
    "By ", "CoI:", "About the author", "Comments", "13 comments:", "Labels: x", "Home",
    "OBJECTIVES:", "et al.", "2014 Oct 9", "2014 Feb 30", "doi: 10.1000/x", "PMID: 1",
    "Tuesday, 14 October 2014", "ClinicSpeak: ", "#Tag",
]  # fmt: skip
fragment = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12))
# Any text, with the structural characters and words mixed in.
documents = st.one_of(st.text(), st.lists(fragment, max_size=60).map("".join))


@st.composite
def mutated_seed(draw) -> str:
    """Return the seed (or a sample) with a few random line and character edits."""
    base = draw(
        st.sampled_from([SEED_LINES, *[p.read_text(encoding="utf-8").split("\n") for p in SAMPLES]])
    )
    lines = list(base)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines.append(draw(fragment))
            continue
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "insert", "indent", "dedent", "char", "cut"]
            )
        )
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "insert":
            lines.insert(at, draw(st.one_of(fragment, st.sampled_from(SEED_LINES))))
        elif edit == "indent":
            lines[at] = (
                draw(st.sampled_from([" ", "  ", "    ", "\t", "\u00a0", "      "])) + (lines[at])
            )
        elif edit == "dedent":
            lines[at] = lines[at].lstrip(" \t\u00a0")
        elif edit == "char":
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + draw(fragment) + lines[at][column:]
        else:
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
    return "\n".join(lines)


def parse_or_refuse(text: str) -> ParsedPost | None:
    """Parse; let only a well-formed ImportFormatError through (returned as None)."""
    try:
        return parse_post_document(text)
    except ImportFormatError as error:
        assert_well_formed(error, text)
        return None


def assert_well_formed(error: ImportFormatError, text: str) -> None:
    assert isinstance(error.line, int) and error.line >= 1
    assert error.line <= max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))
    assert error.column is None or (isinstance(error.column, int) and error.column >= 1)
    assert error.message and error.message.strip()


@property_test
@settings(max_examples=examples(1000, 200), deadline=None)
@given(text=documents)
def test_arbitrary_text_parses_or_is_refused_with_a_position(text):
    parse_or_refuse(text)


@property_test
@settings(max_examples=examples(1000, 200), deadline=None)
@given(text=mutated_seed())
def test_mutated_seed_parses_or_is_refused_with_a_position(text):
    parsed = parse_or_refuse(text)
    if parsed is not None:
        assert parsed.title and parsed.body_paragraphs
        assert all(comment.body for comment in parsed.comments)


@property_test
@settings(max_examples=examples(200, 50), deadline=None)
@given(text=mutated_seed())
def test_crlf_and_cr_line_endings_parse_like_lf(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        expected = parse_post_document(text)
    except ImportFormatError as error:
        expected = (error.message, error.line, error.column)
    for ending in ("\r\n", "\r"):
        try:
            got = parse_post_document(text.replace("\n", ending))
        except ImportFormatError as error:
            got = (error.message, error.line, error.column)
        assert got == expected


@property_test
@settings(max_examples=examples(500, 100), deadline=None)
@given(data=st.one_of(st.binary(), documents.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_decode_document_raises_only_import_format_error(data):
    try:
        text = decode_document(data)
    except ImportFormatError as error:
        assert_well_formed(error, data.decode("utf-8", "replace"))
        return
    parse_or_refuse(text)


@pytest.mark.parametrize(
    "data",
    [b"\xff", b"ok\r\nbad \xc3(", b"\xef\xbb\xbf\xed\xa0\x80", b"title\n\nbody\n\x80"],
)
def test_decode_document_names_a_line_and_column_for_bad_bytes(data):
    with pytest.raises(ImportFormatError) as caught:
        decode_document(data)
    assert_well_formed(caught.value, data.decode("utf-8", "replace"))


def test_repeated_comments_heading_is_refused_not_crashed():
    """Found by Hypothesis: this once raised IndexError instead of ImportFormatError."""
    text = "T\n\nbody\n\nComments\nComments\n\n  • x\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_post_document(text)
    assert_well_formed(caught.value, text)
    assert caught.value.line == 5
    assert caught.value.message == "a comments heading with no comments under it"
