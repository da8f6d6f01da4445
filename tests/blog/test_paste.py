"""The paste box's parser on real citations of MS papers, in every accepted kind.

The inputs are in fixtures/papers/ (fixtures/papers/README.md says where each came from).
"""

import datetime
from pathlib import Path

import pytest

from blog.papers.pages import abbreviated
from blog.papers.paste import PasteError, parse_pasted

PAPERS = Path(__file__).resolve().parents[2] / "fixtures" / "papers"
LINES = (PAPERS / "ms-citations.txt").read_text(encoding="utf-8").splitlines()

# For each line of ms-citations.txt: the first family name, how many people, et al.,
# journal, date and precision, volume, issue, first and last page, PMID.
NEJM, NNN = "N Engl J Med", "Neurol Neuroimmunol Neuroinflamm"
EXPECTED = [
    ("Gelfand", 1, True, NNN, (2014, 10, 9), "day", "1", "3", "e34", "", ""),
    ("Lindqvist", 1, True, "Mult Scler", (2014, 10, 2), "day", "", "", "", "", ""),
    ("Cohen", 6, True, "Lancet", (2012, 11, 24), "day", "380", "9856", "1819", "1828", ""),
    ("Coles", 6, True, "Lancet", (2012, 11, 24), "day", "380", "9856", "1829", "1839", ""),
    ("Polman", 6, True, NEJM, (2006, 3, 2), "day", "354", "9", "899", "910", "16510744"),
    ("Kappos", 6, True, NEJM, (2010, 2, 4), "day", "362", "5", "387", "401", "20089952"),
    ("Cohen", 6, True, NEJM, (2010, 2, 4), "day", "362", "5", "402", "415", "20089954"),
    ("Giovannoni", 6, True, NEJM, (2010, 2, 4), "day", "362", "5", "416", "426", "20089960"),
    ("Hauser", 6, True, NEJM, (2017, 1, 19), "day", "376", "3", "221", "234", "28002679"),
    ("Montalban", 6, True, NEJM, (2017, 1, 19), "day", "376", "3", "209", "220", "28002688"),
    ("Thompson", 6, True, "Lancet Neurol", (2018, 2, 1), "month",
     "17", "2", "162", "173", "29275977"),
    ("Gold", 6, True, NEJM, (2012, 9, 20), "day", "367", "12", "1098", "1107", "22992073"),
    ("Fox", 6, True, NEJM, (2012, 9, 20), "day", "367", "12", "1087", "1097", "22992072"),
    ("O'Connor", 6, True, NEJM, (2011, 10, 6), "day", "365", "14", "1293", "1303", "21991951"),
    ("Kappos", 6, True, "Lancet", (2018, 3, 31), "day", "391", "10127", "1263", "1273", "29576505"),
    ("Hauser", 6, True, NEJM, (2020, 8, 6), "day", "383", "6", "546", "557", "32757523"),
    ("Bjornevik", 6, True, "Science", (2022, 1, 21), "day",
     "375", "6578", "296", "301", "35025605"),
    ("Lennon", 6, True, "Lancet", (2004, 12, 11), "day", "364", "9451", "2106", "2112", "15589308"),
    ("Wingerchuk", 6, True, "Neurology", (2015, 7, 14), "day", "85", "2", "177", "189", "26092914"),
    (None, 1, False, "Neurology", (1993, 4, 1), "month", "43", "4", "655", "661", "8469318"),
    ("Confavreux", 5, False, NEJM, (1998, 7, 30), "day", "339", "5", "285", "291", "9682040"),
    ("Compston", 2, False, "Lancet", (2008, 10, 25), "day",
     "372", "9648", "1502", "1517", "18970977"),
    ("Jacobs", 6, True, "Ann Neurol", (1996, 3, 1), "month", "39", "3", "285", "294", "8602746"),
]  # fmt: skip


def test_the_corpus_has_a_line_for_each_expectation():
    assert len(LINES) == len(EXPECTED) >= 20


@pytest.mark.parametrize(("line", "expected"), list(zip(LINES, EXPECTED, strict=True)))
def test_real_citation_lines_and_pubmed_summaries_are_read(line, expected):
    family, count, et_al, journal, date, precision, volume, issue, first, last, pmid = expected

    fields = parse_pasted(line).fields

    people = fields["author_list"]
    assert people[0].get("family") == family
    assert (len(people), fields["authors_et_al"]) == (count, et_al)
    assert fields["journal"] == journal
    assert (fields["published_on"], fields["date_precision"]) == (datetime.date(*date), precision)
    assert (fields["volume"], fields["issue"]) == (volume, issue)
    assert (fields["first_page"], fields["last_page"]) == (first, last)
    assert fields.get("pmid", "") == pmid
    assert "PMID" not in fields["title"] and not fields["title"].endswith(".")


def test_a_collective_author_is_a_group_not_a_person():
    fields = parse_pasted(LINES[19]).fields

    assert fields["author_list"] == [{"literal": "The IFNB Multiple Sclerosis Study Group"}]
    assert fields["title"].startswith("Interferon beta-1b is effective")
    assert fields["title"].endswith("placebo-controlled trial")
    assert fields["doi"] == "10.1212/wnl.43.4.655"


def test_names_keep_their_initials_and_particles():
    people = parse_pasted(LINES[7]).fields["author_list"]

    assert people[0] == {"family": "Giovannoni", "given": "G."}
    assert people[5] == {"family": "Soelberg Sørensen", "given": "P."}


def test_the_epub_prefix_and_an_abbreviated_range_are_read():
    lindqvist = parse_pasted(LINES[1]).fields
    coles = parse_pasted(LINES[3]).fields

    assert lindqvist["epub_ahead_of_print"] is True
    assert lindqvist["doi"] == "10.1177/1352458514553917"
    assert abbreviated(coles["first_page"], coles["last_page"]) == "1829-39"


def test_pubmed_abstract_text_gives_people_identifiers_and_labelled_sections():
    pasted = parse_pasted((PAPERS / "pubmed-abstract-seed.txt").read_text(encoding="utf-8"))

    fields = pasted.fields
    assert pasted.kind == "pubmed-abstract"
    assert [person["family"] for person in fields["author_list"]] == [
        "Gelfand",
        "Cotter",
        "Klingman",
        "Huang",
        "Cree",
    ]
    assert fields["title"].startswith("Massive CNS monocytic infiltration")
    assert (fields["doi"], fields["pmid"]) == ("10.1212/NXI.0000000000000034", "25340086")
    assert (fields["first_page"], fields["volume"], fields["issue"]) == ("e34", "1", "3")
    assert [label for label, _text in pasted.abstract] == ["OBJECTIVES", "RESULTS", "CONCLUSIONS"]
    assert pasted.abstract[0][1].startswith("To describe the clinical course")


def test_an_ris_entry_is_read_with_full_given_names():
    pasted = parse_pasted((PAPERS / "care-ms-1.ris").read_text(encoding="utf-8"))

    fields = pasted.fields
    assert fields["author_list"][0] == {"family": "Cohen", "given": "Jeffrey A."}
    assert len(fields["author_list"]) == 6
    assert fields["journal"] == "Lancet"
    assert (fields["first_page"], fields["last_page"]) == ("1819", "1828")
    assert fields["published_on"] == datetime.date(2012, 11, 24)
    assert (fields["doi"], fields["pmid"]) == ("10.1016/S0140-6736(12)61769-3", "23122652")


def test_a_bibtex_entry_is_read_with_others_as_et_al():
    pasted = parse_pasted((PAPERS / "cladribine.bib").read_text(encoding="utf-8"))

    fields = pasted.fields
    assert [person["family"] for person in fields["author_list"]][:2] == ["Giovannoni", "Comi"]
    assert fields["authors_et_al"] is True
    assert fields["title"] == (
        "A placebo-controlled trial of oral cladribine for relapsing multiple sclerosis"
    )
    assert (fields["published_on"], fields["date_precision"]) == (
        datetime.date(2010, 2, 1),
        "month",
    )
    assert (fields["first_page"], fields["last_page"], fields["pmid"]) == ("416", "426", "20089960")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("https://doi.org/10.1212/NXI.0000000000000034", {"doi": "10.1212/NXI.0000000000000034"}),
        ("doi:10.1056/NEJMoa0902533", {"doi": "10.1056/NEJMoa0902533"}),
        ("PMID: 20089960", {"pmid": "20089960"}),
        ("https://pubmed.ncbi.nlm.nih.gov/20089960/", {"pmid": "20089960"}),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC4202677/", {"pmcid": "PMC4202677"}),
    ],
)
def test_an_identifier_or_address_alone_fills_that_identifier(text, fields):
    assert parse_pasted(text).fields == fields


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste a citation"),
        ("Alemtuzumab worked for me", "Could not read the authors"),
        ("Gelfand et al. A title with no journal or date.", "Could not read the title, journal"),
        ("Smith J. A title. Lancet. 2012 Foo 3;1(2):3-4.", "Could not read the date “2012 Foo 3”"),
        ("Smith J. A title. Lancet. 2012 Feb 30;1(2):3-4.", "The date “2012 Feb 30” does not"),
        ("Smith J. A title. Lancet. 2012;1(2):3-4. Remember to buy milk.", "“Remember to buy"),
        ("Smith J. A title. Lancet. 2012;1(2):3-4. doi: 10.12/x.", "Could not read the DOI"),
        ("TY  - JOUR\nTI  - No end and no year\nER  - \n", "year"),
        ("@article{x, title = {No year}}", "year"),
    ],
)
def test_what_cannot_be_read_is_named(text, message):
    with pytest.raises(PasteError, match=message.replace("(", r"\(")):
        parse_pasted(text)
