"""The document parser: pure tests on strings and on the documents in fixtures/, no database."""

import datetime
from pathlib import Path

import pytest

from blog.importers import (
    ImportFormatError,
    ParsedAbstractSection,
    ParsedAuthor,
    ParsedPost,
    decode_document,
    parse_post_document,
)
from blog.importers.parser import parse_citation
from tests.thorough import THOROUGH, property_test

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "samples"


def parse(text: str, *, allow_unterminated: bool = False) -> ParsedPost:
    return parse_post_document(text, allow_unterminated=allow_unterminated)


def parse_sample(name: str) -> ParsedPost:
    return parse_post_document(decode_document((SAMPLES_DIR / name).read_bytes()))


def sample_lines(name: str) -> list[str]:
    """Return the sample's lines; line N of the file is item N - 1."""
    return (SAMPLES_DIR / name).read_text(encoding="utf-8").split("\n")


def refusal(text: str) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as caught:
        parse_post_document(text)
    return caught.value


@pytest.fixture
def seed(seed_path) -> ParsedPost:
    return parse_post_document(decode_document(seed_path.read_bytes()))


@pytest.fixture
def seed_lines(seed_text) -> list[str]:
    """Return the seed's lines; line N of the file is item N - 1."""
    return seed_text.split("\n")


def comment(post: ParsedPost, ref: str):
    [found] = [c for c in post.comments if c.ref == ref]
    return found


# -- the seed document: every part exactly -------------------------------------------------


def test_seed_title_is_kept_as_written(seed):
    assert seed.title == (
        "ClinicSpeak: macrophages infiltrates after alemtuzumab in a patient with NMO"
    )
    assert seed.title_line == 1
    assert seed.published_on is None


def test_seed_series_comes_from_the_title_prefix(seed):
    assert seed.series == "ClinicSpeak"


def test_seed_teaser_loses_its_hashtags_which_are_kept_in_order(seed):
    assert seed.teaser == "What does the pathology of a case of NMO teach us about alemtuzumab?"
    assert seed.hashtags == ("MSResearch", "MSBlog", "ClinicSpeak")


def test_seed_body_is_nine_paragraphs_each_verbatim(seed, seed_lines):
    expected = [seed_lines[number - 1] for number in range(5, 22, 2)]

    assert len(seed.body_paragraphs) == 9
    assert list(seed.body_paragraphs) == expected
    assert seed.body_line == 5
    assert seed.body_paragraphs[0].startswith("\u201cThe case report below")
    assert "brain.\u00a0The brain MRI" in seed.body_paragraphs[0]
    assert seed.body_paragraphs[-1].endswith("secondary progressive MS.\u201d")


def test_seed_cites_one_paper_with_every_field(seed):
    [paper] = seed.papers

    assert paper.authors == "Gelfand et al."
    assert paper.title == (
        "Massive CNS monocytic infiltration at autopsy in an alemtuzumab-treated patient with NMO"
    )
    assert paper.journal == "Neurol Neuroimmunol Neuroinflamm"
    assert (paper.published_on, paper.date_precision) == (datetime.date(2014, 10, 9), "day")
    assert (paper.volume, paper.issue, paper.pages) == ("1", "3", "e34")
    assert (paper.doi, paper.pmid, paper.epub_ahead_of_print) == ("", "", False)
    assert paper.line == 23


def test_seed_abstract_sections_are_in_order_and_verbatim(seed, seed_lines):
    [paper] = seed.papers

    assert [(s.label, s.line) for s in paper.abstract] == [
        ("OBJECTIVES", 25),
        ("RESULTS", 27),
        ("CONCLUSIONS", 29),
    ]
    for section in paper.abstract:
        assert section.text == seed_lines[section.line - 1].removeprefix(f"{section.label}: ")
    assert paper.abstract[0].text == (
        "To describe the clinical course and neuropathology at autopsy of a patient with "
        "neuromyelitis optica (NMO) treated with alemtuzumab."
    )


def test_seed_conflict_of_interest(seed):
    assert seed.conflict_of_interest == "multiple"


def test_seed_author_box_gives_name_and_bio(seed, seed_lines):
    assert seed.author == ParsedAuthor(name="Prof G", bio=seed_lines[36], line=35)
    assert seed.author.bio.startswith("Professor of Neurology, Barts & The London.")
    assert seed.author_name == "Prof G"


def test_seed_sign_off_and_sidebar_headings_are_not_content(seed, seed_lines):
    texts = [*seed.body_paragraphs, *(c.body for c in seed.comments)]

    assert seed.signed_by == "Prof G"
    for chrome in ("By Prof G", "Recent Posts", "Recent Comments"):
        assert not any(chrome in text for text in texts)
    assert seed.comments[-1].body == seed_lines[106].removeprefix("  • ")


def test_seed_comment_tree_has_four_threads_and_nine_replies_under_the_third(seed):
    top_level = [c for c in seed.comments if c.parent_ref is None]
    replies = [c for c in seed.comments if c.parent_ref is not None]

    assert len(seed.comments) == 13
    assert [(c.ref, c.line) for c in top_level] == [("1", 40), ("2", 42), ("3", 48), ("4", 107)]
    assert len(replies) == 9
    assert {(c.parent_ref, c.depth) for c in replies} == {("3", 1)}
    assert comment(seed, "3").body.startswith("\u201cDoctors put drugs")
    assert comment(seed, "3").body.split("\n")[2] == "\u2015 Voltaire"


def test_seed_comments_are_in_document_order(seed):
    refs = [c.ref for c in seed.comments]
    lines = [c.line for c in seed.comments]

    assert refs == ["1", "2", "3", *(f"3.{n}" for n in range(1, 10)), "4"]
    assert lines == [40, 42, 48, 58, 62, 66, 69, 73, 77, 81, 95, 97, 107]
    assert all(c.author_name == "" for c in seed.comments)


def test_seed_comment_with_several_paragraphs_keeps_them(seed, seed_lines):
    # Lines 48-56 with the 4-column indent (and the bullet) removed; blank lines stay.
    expected = "\n".join(line[4:] for line in seed_lines[47:56])

    assert comment(seed, "3").body == expected
    assert comment(seed, "3").body.count("\n\n") == 4


def test_seed_reply_keeps_its_single_line_breaks(seed):
    assert comment(seed, "3.1").body == (
        "Long time no hear Dre but still the same old material. It's getting a bit stale old son.\n"
        "The Voltaire quote is a good one but I suggest things have moved on a tad since the 18th "
        "century. He was a champion of the enlightenment and would probably not support your "
        "apparent nihilism.\n"
        "Anyway, welcome back."
    )


def test_seed_replies_mixing_line_breaks_and_paragraphs_are_exact(seed, seed_lines):
    assert comment(seed, "3.3").body == (
        '"Modern medicine has been hopeless at curing diseases."\n'
        "Really? Antibiotics, vaccination, vastly improved cancer outcomes. "
        "I could go on but what's the point?"
    )
    assert comment(seed, "3.5").body == (
        "MD2, all of your citations are ancient. Give me something new. Give me a 21st century "
        "product. Science has not cured anything since polio. It's shameful.\n\n"
        "Dr. Dre is the man! That is a wonderful quote."
    )
    # Reply 3.7: six paragraphs; reply 3.9: six single-break lines, then a paragraph.
    assert comment(seed, "3.7").body == "\n".join(line[6:] for line in seed_lines[80:93])
    assert comment(seed, "3.7").body.count("\n\n") == 6
    assert comment(seed, "3.9").body == "\n".join(line[6:] for line in seed_lines[96:105])
    assert comment(seed, "3.9").body.split("\n\n")[1] == (
        "Anon 6.15 pm Dre is certainly not a member of Team G or if he is he's in deep cover!"
    )


def test_every_seed_comment_body_is_its_lines_without_the_bullet_indent(seed, seed_lines):
    # Each comment runs from its bullet to the line before the next bullet (or "By Prof G").
    starts = [c.line for c in seed.comments] + [seed_lines.index("By Prof G") + 1]
    for parsed, start, end in zip(seed.comments, starts, starts[1:], strict=False):
        lines = seed_lines[start - 1 : end - 1]
        while not lines[-1]:
            lines.pop()
        column = lines[0].index("• ") + 2
        assert parsed.body == "\n".join(line[column:] for line in lines), parsed.ref


def test_seed_parse_is_equal_from_crlf_bytes_with_a_bom(seed, seed_path):
    data = b"\xef\xbb\xbf" + seed_path.read_bytes().replace(b"\n", b"\r\n")

    assert parse_post_document(decode_document(data)) == seed


def test_seed_parse_is_equal_from_crlf_text(seed, seed_text):
    assert parse(seed_text.replace("\n", "\r\n")) == seed


def test_seed_parse_is_equal_from_bare_cr_line_endings(seed, seed_text):
    assert parse(seed_text.replace("\n", "\r")) == seed


def test_decode_document_drops_the_bom(seed_text):
    assert decode_document(b"\xef\xbb\xbf" + seed_text.encode()) == seed_text


# -- variations the importer accepts ------------------------------------------------------


def test_document_without_any_optional_part():
    post = parse_sample("minimal.txt")
    lines = sample_lines("minimal.txt")

    assert post.title == lines[0]
    assert post.body_paragraphs == (lines[2], lines[4], lines[6])
    assert (post.teaser, post.hashtags, post.series) == ("", (), "")
    assert (post.papers, post.conflict_of_interest, post.author) == ((), "", None)
    assert (post.signed_by, post.author_name, post.comments) == ("", "", ())
    assert post.published_on is None


def test_author_only_from_a_by_sign_off():
    post = parse_sample("signed-off-only.txt")

    assert post.author is None
    assert post.signed_by == "MouseDoctor"
    assert post.author_name == "MouseDoctor"
    assert len(post.body_paragraphs) == 3
    assert post.body_paragraphs[-1].endswith("double your chances of success.")


def test_empty_author_box_leaves_the_name_to_the_sign_off():
    post = parse_sample("empty-author-box.txt")

    assert post.author == ParsedAuthor(name="", bio="", line=9)
    assert post.author_name == "Prof G"
    assert post.conflict_of_interest == "none"
    assert [(c.ref, c.parent_ref, c.line) for c in post.comments] == [
        ("1", None, 12),
        ("2", None, 14),
        ("2.1", "2", 16),
    ]


def test_empty_author_box_at_the_end_of_the_document():
    post = parse("Title\n\nBody.\n\nAbout the author\n")

    assert post.author == ParsedAuthor(name="", bio="", line=5)


def test_author_box_name_and_bio_without_a_blank_line_between():
    post = parse("Title\n\nBody.\n\nAbout the author:\nMouseDoctor\nA neuroscientist.\n")

    assert post.author == ParsedAuthor(name="MouseDoctor", bio="A neuroscientist.", line=6)


def test_author_bio_may_run_to_several_paragraphs():
    post = parse("Title\n\nBody.\n\nAbout the author\n\nMD2\n\nA scientist.\n\nA cyclist.\n")

    assert post.author == ParsedAuthor(name="MD2", bio="A scientist.\n\nA cyclist.", line=7)


def test_title_starting_with_a_hashtag_names_the_series_and_the_first_hashtag():
    post = parse_sample("newsspeak-title-tag.txt")

    assert post.title == "#NewsSpeak: the progressive MS trial of simvastatin is now recruiting"
    assert post.series == "NewsSpeak"
    # The teaser repeats #NewsSpeak: it is kept once, in the title's place.
    assert post.hashtags == ("NewsSpeak", "MSBlog", "MSResearch")
    assert post.teaser == (
        "Are you interested in taking part in a trial of simvastatin in secondary progressive MS?"
    )


@pytest.mark.parametrize(
    "title",
    [
        "Guest post: living with MS",
        "MS: the basics",
        "Clinicspeak: lower case after the first letter",
        "ClinicSpeak:no space after the colon",
    ],
)
def test_title_without_a_camelcase_prefix_has_no_series(title):
    post = parse(f"{title}\n\nBody.\n")

    assert (post.title, post.series, post.hashtags) == (title, "", ())


def test_date_line_before_the_title_gives_the_publication_date():
    post = parse_sample("date-line.txt")

    assert post.published_on == datetime.date(2014, 10, 14)
    assert post.title == "ResearchSpeak: does the gut talk to the brain in MS?"
    assert post.title_line == 3
    assert post.series == "ResearchSpeak"
    assert post.hashtags == ("MSResearch", "ResearchSpeak")
    assert len(post.body_paragraphs) == 2


@pytest.mark.parametrize(
    "date_line",
    [
        "Tuesday, 14 October 2014",
        "14 October 2014",
        "Tuesday, October 14, 2014",
        "October 14, 2014",
        "2014-10-14",
        "Tuesday,\u00a014\u00a0October\u00a02014",
    ],
)
def test_date_line_formats(date_line):
    post = parse(f"{date_line}\n\nTitle\n\nBody.\n")

    assert post.published_on == datetime.date(2014, 10, 14)
    assert post.title == "Title"


def test_unstructured_abstract_is_one_unlabelled_section():
    post = parse_sample("unstructured-abstract.txt")
    lines = sample_lines("unstructured-abstract.txt")
    [paper] = post.papers

    assert paper.abstract == (ParsedAbstractSection(label="", text=lines[10], line=11),)
    assert paper.title == (
        "Stopping injectable disease-modifying therapy after the age of 60: "
        "an observational cohort study"
    )
    assert (paper.published_on, paper.date_precision) == (datetime.date(2014, 9, 1), "month")
    assert (paper.volume, paper.issue, paper.pages) == ("3", "5", "612-8")
    assert post.conflict_of_interest == "multiple"


def test_further_abstract_paragraphs_join_the_section_above():
    post = parse(
        "Title\n\nBody.\n\n"
        "Smith J et al. A trial. Lancet Neurol. 2014 Jan;13(1):1-9.\n\n"
        "First paragraph.\n\nSecond paragraph.\n\n"
        "Jones K et al. Another trial. Brain. 2013.\n\n"
        "METHODS: We did it.\n\nAnd did it again.\n\nRESULTS: It worked.\n"
    )
    first, second = post.papers

    assert first.abstract == (
        ParsedAbstractSection(label="", text="First paragraph.\n\nSecond paragraph.", line=7),
    )
    assert [(s.label, s.text) for s in second.abstract] == [
        ("METHODS", "We did it.\n\nAnd did it again."),
        ("RESULTS", "It worked."),
    ]
    assert (second.published_on, second.date_precision) == (datetime.date(2013, 1, 1), "year")


def test_epub_citation_ending_in_a_doi():
    post = parse_sample("epub-doi.txt")
    [paper] = post.papers

    assert paper.epub_ahead_of_print is True
    assert paper.doi == "10.1177/1352458514553917"
    assert paper.authors == "Lindqvist K et al."
    assert paper.title == (
        "Cholecalciferol as add-on therapy to interferon beta-1a in relapsing multiple "
        "sclerosis: a randomised placebo-controlled trial"
    )
    assert paper.journal == "Mult Scler"
    assert (paper.published_on, paper.date_precision) == (datetime.date(2014, 10, 2), "day")
    assert (paper.volume, paper.issue, paper.pages) == ("", "", "")
    assert [s.label for s in paper.abstract] == ["BACKGROUND", "METHODS", "RESULTS"]
    assert post.conflict_of_interest == "none"


@pytest.mark.parametrize(
    ("citation", "fields"),
    [
        (
            "Coles AJ et al. Alemtuzumab vs. interferon beta-1a in early multiple sclerosis. "
            "N Engl J Med. 2008 Oct 23;359(17):1786-801.",
            {"title": "Alemtuzumab vs. interferon beta-1a in early multiple sclerosis"},
        ),
        (
            "Smith J, Jones K. Does it work? Brain. 2015 Mar;138(Pt 3):e1. "
            "doi: 10.1093/brain/awu999. [Epub ahead of print] PMID: 25555555.",
            {
                "authors": "Smith J, Jones K.",
                "title": "Does it work?",
                "issue": "Pt 3",
                "doi": "10.1093/brain/awu999",
                "pmid": "25555555",
                "epub_ahead_of_print": True,
                "date_precision": "month",
            },
        ),
        (
            "Epub: Brown A et al. A cohort study. Mult Scler. 2014 Sep 30. pii: 1352458514. "
            "doi: 10.1177/1352458514.",
            {"doi": "10.1177/1352458514", "epub_ahead_of_print": True, "volume": ""},
        ),
    ],
)
def test_citation_grammar(citation, fields):
    paper = parse_citation(citation, 1)

    assert paper is not None
    assert {name: getattr(paper, name) for name in fields} == fields


@pytest.mark.parametrize(
    "paragraph",
    [
        "This is an ordinary paragraph about MS. It mentions 2014 but cites nothing.",
        "OBJECTIVES: a label without a citation above it.",
    ],
)
def test_ordinary_paragraphs_are_not_citations(paragraph):
    assert parse_citation(paragraph, 1) is None
    assert parse(f"Title\n\nBody.\n\n{paragraph}\n").body_paragraphs == ("Body.", paragraph)


def test_numbered_comments_under_an_n_comments_heading():
    post = parse_sample("numbered-comments.txt")

    assert [(c.ref, c.parent_ref, c.depth, c.line) for c in post.comments] == [
        ("1", None, 0, 11),
        ("1.1", "1", 1, 14),
        ("2", None, 0, 17),
    ]
    assert comment(post, "1").body == (
        "My neurologist wants me to stop natalizumab because I am JCV positive.\n"
        "I am terrified of a rebound. What would you switch to?"
    )
    assert comment(post, "1.1").body == (
        "It depends on your previous disease activity. Fingolimod and alemtuzumab\n"
        "are both options; please discuss them with your neurologist."
    )
    assert (
        comment(post, "2").body == "Could extended interval dosing be an alternative to stopping?"
    )
    assert post.body_paragraphs[-1].endswith("during the switch.")
    assert post.signed_by == "Prof G"


def test_indented_numbers_open_the_comments_without_a_heading():
    post = parse(
        "Title\n\nBody.\n\n"
        "  1. First comment.\n\n"
        "     1. A reply.\n\n"
        "     2. Another reply,\n"
        "        on two lines.\n\n"
        "  2. Second comment.\n",
        allow_unterminated=True,
    )

    assert [(c.ref, c.parent_ref, c.body) for c in post.comments] == [
        ("1", None, "First comment."),
        ("1.1", "1", "A reply."),
        ("1.2", "1", "Another reply,\non two lines."),
        ("2", None, "Second comment."),
    ]


@pytest.mark.parametrize("heading", ["Comments", "Comments:", "1 comment:", "12 comments:"])
def test_comments_heading_is_not_content(heading):
    post = parse(f"Title\n\nBody.\n\n{heading}\n\n  • A comment.\n\nBy Prof G\n")

    assert post.body_paragraphs == ("Body.",)
    assert [c.body for c in post.comments] == ["A comment."]


def test_platform_footer_lines_are_not_content():
    post = parse_sample("platform-footer.txt")
    lines = sample_lines("platform-footer.txt")

    assert post.body_paragraphs == (lines[4], lines[6], lines[8])
    assert [c.body for c in post.comments] == [
        "Great list. I would add a fourth question: what happens if it does not work?"
    ]
    assert post.signed_by == "MouseDoctor"
    assert post.hashtags == ("ClinicSpeak", "MSBlog")


@pytest.mark.parametrize(
    "footer",
    [
        "Labels: alemtuzumab, NMO",
        "Label: NMO",
        "Posted by Prof G at 06:00",
        "Note: only a member of this blog may post a comment.",
        "Comments are moderated.",
        "Newer Post Older Post Home",
        "Subscribe to: Post Comments (Atom)",
        "Post a Comment",
        "Recent Posts",
    ],
)
def test_each_footer_line_ends_the_post(footer):
    post = parse(f"Title\n\nBody.\n\n  • A comment.\n\n{footer}\n\nRecent Comments\n")

    assert post.body_paragraphs == ("Body.",)
    assert [c.body for c in post.comments] == ["A comment."]
    # Blogger's byline names the author as a sign-off does.
    assert post.signed_by == ("Prof G" if footer.startswith("Posted by") else "")


def test_hard_wrapped_lines_are_joined_with_single_spaces():
    post = parse_sample("hard-wrapped.txt")
    [paper] = post.papers

    assert post.teaser == "Can a blood test tell us whether your MS is active?"
    assert post.hashtags == ("MSResearch", "ClinicSpeak")
    assert post.body_paragraphs == (
        "Neurofilaments are proteins that give nerve fibres their shape. When nerve fibres are "
        "damaged, neurofilament light chain leaks into the spinal fluid and, in smaller amounts, "
        "into the blood.",
        "Levels rise during relapses and when new lesions appear on MRI, and they fall when "
        "effective treatment is started. In a recent study of patients switching treatment the "
        "levels dropped within months. By the end of the first year most of the patients had "
        "levels close to those of healthy people of the same age.",
        "The test is not yet ready for routine use in the clinic, but we hope it will be within "
        "a few years.",
    )
    assert paper.title == "Serum neurofilament light chain in relapsing multiple sclerosis"
    assert (paper.journal, paper.volume, paper.issue, paper.pages) == (
        "Ann Clin Transl Neurol",
        "1",
        "8",
        "591-9",
    )
    assert paper.abstract[0].text == (
        "To assess serum neurofilament light chain as a marker of disease activity."
    )
    assert post.author == ParsedAuthor(
        name="Prof G",
        bio="Professor of Neurology, Barts & The London. MS & Preventive Neurology thinker, "
        "blogger and runner.",
        line=32,
    )


@pytest.mark.parametrize(
    "paragraph",
    [
        "By the end of the trial most of the patients had improved\nand none had relapsed.",
        "Most patients improved.\nBy the end of the trial none had relapsed",
    ],
)
def test_a_wrapped_line_starting_with_by_is_not_a_sign_off(paragraph):
    post = parse(f"Title\n\nFirst.\n\n{paragraph}\n\nBy Prof G\n")

    assert post.body_paragraphs == ("First.", paragraph.replace("\n", " "))
    assert post.signed_by == "Prof G"


def test_sign_off_directly_under_the_last_comment():
    post = parse("Title\n\nBody.\n\n  • A comment.\n    Its second line.\nBy Prof G\n")

    assert post.comments[0].body == "A comment.\nIts second line."
    assert post.signed_by == "Prof G"


def test_no_break_space_counts_as_a_space_for_structure_only():
    nbsp = "\u00a0"
    post = parse(
        f"Title\n\nBody{nbsp} text.\n\nCoI:{nbsp}none\n\n"
        f"{nbsp}{nbsp}• A comment{nbsp} here.\n\n{nbsp}{nbsp}{nbsp}{nbsp}• A reply.\n\n"
        f"By{nbsp}Prof G\n"
    )

    assert post.body_paragraphs == (f"Body{nbsp} text.",)
    assert post.conflict_of_interest == "none"
    assert [(c.ref, c.body) for c in post.comments] == [
        ("1", f"A comment{nbsp} here."),
        ("1.1", "A reply."),
    ]
    assert post.signed_by == "Prof G"


def test_tab_indented_comments_nest_by_columns_of_four():
    post = parse(
        "Title\n\nBody.\n\n\t• A comment.\n\n\t  • A reply.\n\t    Its next line.\n",
        allow_unterminated=True,
    )

    assert [(c.ref, c.parent_ref, c.body) for c in post.comments] == [
        ("1", None, "A comment."),
        ("1.1", "1", "A reply.\nIts next line."),
    ]


# -- malformed documents ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n", "   \n\t\n\u00a0\n", "\ufeff"])
def test_empty_document_is_refused(text):
    error = refusal(text)

    assert (error.line, error.column) == (1, None)
    assert error.message == "the document is empty"


@pytest.mark.parametrize(
    "text",
    [
        "  • A comment with no post above it.\n\nBy Prof G\n",
        "3 comments:\n\n  • A comment.\n",
        "Recent Posts\n\nRecent Comments\n",
        "By Prof G\n\nRecent Posts\n",
    ],
)
def test_document_without_a_title_is_refused(text):
    error = refusal(text)

    assert error.line == 1
    assert "no title" in error.message


def test_date_line_without_a_title_is_refused():
    error = refusal("\nTuesday, 14 October 2014\n\n")

    assert error.line == 2
    assert error.message == "the document has a date line but no title"


@pytest.mark.parametrize(
    ("data", "line", "column", "byte"),
    [
        (b"Title\n\nb\xc3\xb6dy \xff more\n", 3, 6, "0xff"),
        (b"\xef\xbb\xbfT\xe9st\n", 1, 2, "0xe9"),
        (b"Title\r\n\r\nBody.\r\nend \xe2\x82", 4, 5, "0xe2"),
        (b"Title\n\n\x80", 3, 1, "0x80"),
    ],
)
def test_invalid_utf8_names_the_line_and_column_of_the_bad_byte(data, line, column, byte):
    with pytest.raises(ImportFormatError) as caught:
        decode_document(data)

    assert (caught.value.line, caught.value.column) == (line, column)
    assert caught.value.message == f"invalid UTF-8 (byte {byte}); save the document as UTF-8"


@pytest.mark.parametrize(
    ("text", "line", "column", "name"),
    [
        ("Title\n\nBo\0dy.\n", 3, 3, "NUL"),
        ("\0", 1, 1, "NUL"),
        ("Title\n\nBody\x07.\n", 3, 5, "U+0007"),
        ("Title\n\nBody.\n\n  • Com\x1bment.\n", 5, 8, "U+001B"),
        ("Title\x0c\n\nBody.\n", 1, 6, "U+000C"),
        ("Title\n\nBody.\x7f\n", 3, 6, "U+007F"),
        ("Title\n\nBody\x85.\n", 3, 5, "U+0085"),
    ],
)
def test_control_characters_are_refused_at_their_line_and_column(text, line, column, name):
    error = refusal(text)

    assert (error.line, error.column) == (line, column)
    assert error.message == f"control character {name} is not allowed"


def test_reply_bullet_with_no_comment_above_it_is_refused():
    error = refusal("Title\n\nBody.\n\n    • A reply to nothing.\n\n  • A comment.\n")

    assert (error.line, error.column) == (5, 5)
    assert error.message == "a reply bullet with no comment above it to reply to"


def test_bullet_skipping_a_nesting_level_is_refused():
    error = refusal("Title\n\nBody.\n\n  • A comment.\n\n        • Far too deep.\n")

    assert (error.line, error.column) == (7, 9)
    assert error.message == (
        "this bullet skips a nesting level: it is indented 8 columns, but a reply to the "
        "comment on line 5 is indented at most 4"
    )


def test_bullet_skipping_a_level_in_the_seed_is_refused(seed_text):
    # Push reply 3.1 (line 58) two columns deeper than comment 3's text column.
    lines = seed_text.split("\n")
    lines[57] = "  " + lines[57]

    error = refusal("\n".join(lines))

    assert (error.line, error.column) == (58, 7)
    assert "skips a nesting level" in error.message


def test_content_after_the_end_of_the_post_is_refused(seed_text):
    error = refusal(seed_text + "\n\nA stray paragraph below the sidebar.\n")

    assert error.line == 117
    assert error.column is None
    assert error.message == (
        "content after the end of the post (the page footer starts at line 109: “By Prof G”)"
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("Title\nsecond line\n\nBody.\n", 2, None, "the title must be a line of its own"),
        ("T" * 301 + "\n\nBody.\n", 1, None, "the title is 301 characters long"),
        ("Title\n", 1, None, "the post has no body text"),
        ("Title\n\nTeaser only. #MSBlog\n", 1, None, "the post has no body text"),
        ("Title\n\nCoI: none\n", 3, None, "the post has no body text"),
        ("Title\n\n  • A comment.\n", 3, None, "the post has no body text"),
        ("Title\n\nBody.\n\nCoI:\n", 5, None, "the CoI line is empty"),
        ("Title\n\nBody.\n\nCoI: none\n\nCoI: some\n", 7, None, "a second CoI line"),
        ("Title\n\nBody.\n\nCoI: none\n\nMore body.\n", 7, None, "after the CoI line"),
        (
            "Title\n\nBody.\n\nAbout the author\n\nProf G\n\nAbout the author\n",
            9,
            None,
            "a second “About the author” box",
        ),
        (
            "Title\n\nBody.\n\nAbout the author\n\nProf G\n\nBio.\n\nCoI: none\n",
            11,
            None,
            "after the author box",
        ),
        (
            "Title\n\nBody.\n\nAbout the author\n\n" + "N" * 121 + "\n",
            7,
            None,
            "the author's name is over 120 characters",
        ),
        (
            "Title\n\nBody.\n\nSmith J et al. A trial. Brain. 2014 Feb 30;1(1):1-2.\n",
            5,
            None,
            "the citation's date 2014 Feb 30 does not exist",
        ),
        ("Title\n\nBody.\n\n2 comments:\n\nBy Prof G\n", 5, None, "a comments heading with no"),
        (
            "Title\n\nBody.\n\nComments:\n\n    Text before any bullet.\n\n  • A comment.\n",
            7,
            5,
            "text before the first comment",
        ),
        (
            "Title\n\nBody.\n\n  • A comment.\n\nComments:\n\n  • Another.\n",
            7,
            None,
            "a second comments heading (the comments start on line 5)",
        ),
        (
            "Title\n\nBody.\n\n  • A comment.\n\nUnindented text.\n",
            7,
            None,
            "unexpected text after the comments",
        ),
    ],
)
def test_other_structural_errors_name_their_line(text, line, column, message):
    error = refusal(text)

    assert (error.line, error.column) == (line, column)
    assert message in error.message


def test_error_formats_as_path_line_column_message():
    with pytest.raises(ImportFormatError) as caught:
        decode_document(b"Title\n\nb\xffd\n")
    located = refusal("Title\n\nBody.\n\n  • A comment.\n\n        • Far too deep.\n")
    unlocated = refusal("")

    assert caught.value.format("posts/a.txt") == (
        "posts/a.txt:3:2: invalid UTF-8 (byte 0xff); save the document as UTF-8"
    )
    assert located.format("b.txt").startswith("b.txt:7:9: this bullet skips a nesting level")
    assert unlocated.format("c.txt") == "c.txt:1: the document is empty"
    assert str(unlocated) == "<document>:1: the document is empty"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("#MSResearch #MSBlog #ClinicSpeak", 1, "no title: it starts with the teaser"),
        ("Tuesday, 14 October 2014", 1, "the document has a date line but no title"),
        ("x" * 10_000, 1, "the title is 10000 characters long"),
        ("•", 1, "the post has no body text"),
        ("  •", 1, "the post has no body text"),
        ("1.", 1, "the post has no body text"),
        ("Comments:", 1, "no title"),
        ("About the author", 1, "no title: it starts with the author box"),
        ("CoI: none", 1, "no title: it starts with the CoI line"),
        ("\ufeff\r\n\r\n", 1, "the document is empty"),
    ],
)
def test_weird_inputs_raise_only_import_format_error(text, line, message):
    # pytest.raises lets any other exception through, failing the test.
    error = refusal(text)

    assert error.line == line
    assert message in error.message


@pytest.mark.parametrize(
    "text",
    [
        "•\n\n•\n\n•",
        "Title\n\n" + "x" * 10_000 + "\n\n  • " + "y" * 10_000 + "\n\nBy Prof G",
        "#Tag: title\n\n#Only #Tags\n\n#And: more",
    ],
)
def test_odd_but_well_formed_inputs_parse(text):
    post = parse(text)

    assert post.title == text.split("\n")[0]
    assert post.body_paragraphs


@property_test
def test_mangled_seeds_parse_or_raise_only_import_format_error(seed_text):
    """Delete, cut at or insert odd lines at every line of the seed (every third line
    outside a thorough run); never crash."""
    lines = seed_text.split("\n")
    inserts = ["  •", "      • x", "x", "    x", "By Prof G", "  1. x", "\t• x"]
    inserts += ["3 comments:", "About the author", "CoI: none"]
    variants = []
    for index in range(0, len(lines), 1 if THOROUGH else 3):
        variants.append(lines[:index] + lines[index + 1 :])
        variants.append(lines[: index + 1])
        variants.append(lines[index:])
        variants.extend([*lines[:index], extra, *lines[index:]] for extra in inserts)

    refused = 0
    for variant in variants:
        try:
            parse_post_document("\n".join(variant))
        except ImportFormatError as error:
            refused += 1
            assert 1 <= error.line <= len(variant), (error, variant)
    assert 0 < refused < len(variants)
