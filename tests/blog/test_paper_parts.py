"""The pure parts of a paper record: identifiers, names and page ranges (no database),
and the paste box agreeing with the importer on every citation the importer accepts."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from blog.importers import parse_post_document
from blog.importers.parser import parse_citation
from blog.papers import identifiers, names, pages
from blog.papers.convert import citation_text_fields
from blog.papers.paste import parse_citation_line
from tests.conftest import SAMPLES_DIR, SEED_PATH

# Identifiers


@pytest.mark.parametrize(
    ("pasted", "doi"),
    [
        ("10.1212/NXI.0000000000000034", "10.1212/NXI.0000000000000034"),
        (" https://doi.org/10.1212/NXI.0000000000000034 ", "10.1212/NXI.0000000000000034"),
        ("http://dx.doi.org/10.1016/S0140-6736(12)61769-3.", "10.1016/S0140-6736(12)61769-3"),
        ("doi:10.1056/NEJMoa0902533", "10.1056/NEJMoa0902533"),
        ("DOI: 10.1056/NEJMoa0902533", "10.1056/NEJMoa0902533"),
        ("info:doi/10.1056/NEJMoa0902533", "10.1056/NEJMoa0902533"),
        ("<10.1056/NEJMoa0902533>", "10.1056/NEJMoa0902533"),
        ("", ""),
    ],
)
def test_doi_is_normalised_from_what_is_pasted(pasted, doi):
    assert identifiers.normalise_doi(pasted) == doi


@pytest.mark.parametrize(
    ("normalise", "pasted"),
    [
        (identifiers.normalise_doi, "10.12/x"),
        (identifiers.normalise_doi, "https://example.org/10.1212/x"),
        (identifiers.normalise_doi, "10.1212"),
        (identifiers.normalise_pmid, "PMID: 12a"),
        (identifiers.normalise_pmid, "0123"),
        (identifiers.normalise_pmid, "1234567890"),
        (identifiers.normalise_pmcid, "4202677"),
        (identifiers.normalise_pmcid, "PMCX1"),
    ],
)
def test_unreadable_identifiers_are_refused(normalise, pasted):
    with pytest.raises(ValidationError):
        normalise(pasted)


@pytest.mark.parametrize(
    ("pasted", "found"),
    [
        ("PMID: 25340086", ("pmid", "25340086")),
        ("PMID25340086", ("pmid", "25340086")),
        ("https://www.ncbi.nlm.nih.gov/pubmed/25340086", ("pmid", "25340086")),
        ("https://pubmed.ncbi.nlm.nih.gov/25340086/?from=search", ("pmid", "25340086")),
        ("PMCID: PMC4202677", ("pmcid", "PMC4202677")),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4202677/", ("pmcid", "PMC4202677")),
        ("https://doi.org/10.1212/NXI.0000000000000034", ("doi", "10.1212/NXI.0000000000000034")),
        ("Gelfand et al.", None),
    ],
)
def test_identifier_kind_recognises_each_identifier_once(pasted, found):
    assert identifiers.identifier_kind(pasted) == found


# Names


SMITH, JONES = {"family": "Smith", "given": "J."}, {"family": "Jones", "given": "K."}
VAN_DER_BERG = {"family": "van der Berg", "given": "J."}
CLARITY = {"literal": "CLARITY Study Group"}


@pytest.mark.parametrize(
    ("text", "people", "et_al"),
    [
        ("Gelfand et al.", [{"family": "Gelfand"}], True),
        ("Smith J, Jones K.", [SMITH, JONES], False),
        ("van der Berg J, CLARITY Study Group.", [VAN_DER_BERG, CLARITY], False),
        ("Cree BAC, et al.", [{"family": "Cree", "given": "B. A. C."}], True),
    ],
)  # fmt: skip
def test_vancouver_authors_become_people(text, people, et_al):
    parsed = names.parse_vancouver_authors(text)

    assert (parsed.people, parsed.et_al) == (people, et_al)


def test_initials_come_from_given_names_however_written():
    assert names.initials("Jeffrey M") == "JM"
    assert names.initials("B. A. C.") == "BAC"
    assert names.initials("Hans-Peter") == "HP"
    assert names.vancouver_name({"family": "Cree", "given": "Bruce Anthony Christopher"}) == (
        "Cree BAC"
    )


def test_the_admin_box_takes_one_name_a_line_and_names_a_bad_line():
    parsed = names.parse_people_lines("Gelfand JM\nCree, Bruce A C\nCLARITY Study Group\net al.")

    assert parsed.et_al is True
    assert parsed.people[1] == {"family": "Cree", "given": "Bruce A C"}
    with pytest.raises(ValidationError, match="Line 2"):
        names.parse_people_lines("Gelfand JM\nCree, Bruce, A")


@pytest.mark.parametrize(
    "value",
    [[], "Gelfand", [{"family": "Gelfand", "literal": "X"}], [{"given": "J"}], [{"family": 3}]],
)
def test_stored_author_lists_must_be_people(value):
    with pytest.raises(ValidationError):
        names.validate_people(value)


family = st.from_regex(r"[A-Z][a-z]{1,10}(-[A-Z][a-z]{1,8})?", fullmatch=True)
initials = st.from_regex(r"[A-Z]{1,3}", fullmatch=True)
person = st.builds(lambda f, i: {"family": f, "given": names.dotted(i)}, family, initials)


@settings(max_examples=60)
@given(st.lists(person, min_size=1, max_size=8), st.booleans())
def test_people_written_as_vancouver_read_back_as_the_same_people(people, et_al):
    parsed = names.parse_vancouver_authors(names.vancouver_authors(people, et_al))

    assert (parsed.people, parsed.et_al) == (people, et_al)


# Pages


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("1605-17", "1605", "1617"),
        ("1605\u20131617", "1605", "1617"),
        ("591-9", "591", "599"),
        ("1819-28", "1819", "1828"),
        ("221-234", "221", "234"),
        ("99-101", "99", "101"),
        ("e34", "e34", ""),
        ("S12-9", "S12", "S19"),
        ("S12-S19", "S12", "S19"),
        ("12-12", "12", ""),
        ("", "", ""),
    ],
)
def test_nlm_ranges_are_expanded(text, first, last):
    assert pages.parse_pages(text) == (first, last)


@settings(max_examples=100)
@given(st.integers(1, 99999), st.integers(0, 999))
def test_abbreviated_ranges_read_back_in_full(first, length):
    last = first + length
    text = pages.abbreviated(str(first), str(last) if length else "")

    assert pages.parse_pages(text) == (str(first), str(last) if length else "")


@pytest.mark.parametrize("text", ["12-15, 18", "12--", "one to two"])
def test_what_is_not_a_range_is_refused(text):
    with pytest.raises(ValidationError):
        pages.parse_pages(text)


# The paste box and the importer read a citation the same way


def _documents():
    return [SEED_PATH, *sorted(SAMPLES_DIR.glob("*.txt"))]


@pytest.mark.parametrize("path", _documents(), ids=lambda path: path.stem)
def test_paste_box_reads_every_citation_the_importer_accepts_alike(path):
    for paper in parse_post_document(path.read_text(encoding="utf-8")).papers:
        imported = parse_citation(_citation_text(path, paper.line), paper.line)
        fields = parse_citation_line(_citation_text(path, paper.line)).fields
        expected = citation_text_fields(authors=imported.authors, pages_text=imported.pages)
        for name in ("author_list", "authors_et_al", "first_page", "last_page"):
            assert fields[name] == expected[name], (path.name, name)
        for name in ("title", "journal", "published_on", "date_precision", "volume", "issue"):
            assert fields[name] == getattr(imported, name), (path.name, name)
        assert fields.get("doi", "") == imported.doi
        assert fields.get("pmid", "") == imported.pmid
        assert fields["epub_ahead_of_print"] == imported.epub_ahead_of_print


def _citation_text(path, line: int) -> str:
    """Return the citation paragraph starting at `line` (its hard-wrapped lines joined)."""
    lines = path.read_text(encoding="utf-8").splitlines()[line - 1 :]
    paragraph = []
    for text in lines:
        if not text.strip():
            break
        paragraph.append(text.strip())
    return " ".join(paragraph)
