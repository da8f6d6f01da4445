"""RIS, BibTeX and COinS for a cited paper, exactly as reference managers receive them."""

import datetime

import pytest

from blog import citations
from tests.factories import AbstractSectionFactory, PaperFactory

pytestmark = pytest.mark.django_db

SEED_TITLE = (
    "Massive CNS monocytic infiltration at autopsy in an alemtuzumab-treated patient with NMO"
)


@pytest.fixture
def seed_paper(seed_post):
    return seed_post.paper_list()[0]


@pytest.fixture
def seed_abstract(seed_text) -> str:
    """The seed document's abstract paragraphs, as written, joined on one line."""
    labels = ("OBJECTIVES: ", "RESULTS: ", "CONCLUSIONS: ")
    return " ".join(line for line in seed_text.splitlines() if line.startswith(labels))


@pytest.fixture
def full_paper():
    """A paper with everything known: several authors, a page range, DOI and PMID."""
    paper = PaperFactory(
        authors="Cree BAC, Hauser SL, et al.",
        title="Cost & effect of 100% remyelination_in {MS}: a #trial ~ ^ $5 \\ done?",
        journal="Lancet Neurol",
        published_on=datetime.date(2012, 11, 1),
        date_precision="month",
        volume="11",
        issue="11",
        pages="1009-1016",
        doi="10.1016/S1474-4422(12)70230-2",
        pmid="23122650",
        epub_ahead_of_print=True,
    )
    AbstractSectionFactory(paper=paper, position=0, label="", text="One\nparagraph &  more.")
    return paper


# The seed paper, exactly


def test_seed_paper_as_ris(seed_paper, seed_abstract):
    assert citations.ris(seed_paper) == (
        "TY  - JOUR\r\n"
        "AU  - Gelfand\r\n"
        f"TI  - {SEED_TITLE}\r\n"
        "JO  - Neurol Neuroimmunol Neuroinflamm\r\n"
        "PY  - 2014\r\n"
        "DA  - 2014/10/09\r\n"
        "VL  - 1\r\n"
        "IS  - 3\r\n"
        "SP  - e34\r\n"
        f"AB  - {seed_abstract}\r\n"
        "ER  - \r\n"
    )


def test_seed_paper_as_bibtex(seed_paper, seed_abstract):
    assert citations.bibtex(seed_paper) == (
        "@article{Gelfand2014,\n"
        "  author = {Gelfand and others},\n"
        f"  title = {{{{{SEED_TITLE}}}}},\n"
        "  journal = {Neurol Neuroimmunol Neuroinflamm},\n"
        "  year = {2014},\n"
        "  month = oct,\n"
        "  volume = {1},\n"
        "  number = {3},\n"
        "  pages = {e34},\n"
        f"  abstract = {{{seed_abstract}}}\n"
        "}\n"
    )


def test_seed_paper_as_coins(seed_paper):
    assert citations.coins(seed_paper) == (
        "ctx_ver=Z39.88-2004"
        "&rft_val_fmt=info:ofi/fmt:kev:mtx:journal"
        "&rft.genre=article"
        "&rft.atitle=Massive%20CNS%20monocytic%20infiltration%20at%20autopsy%20in%20an"
        "%20alemtuzumab-treated%20patient%20with%20NMO"
        "&rft.jtitle=Neurol%20Neuroimmunol%20Neuroinflamm"
        "&rft.date=2014-10-09"
        "&rft.volume=1"
        "&rft.issue=3"
        "&rft.spage=e34"
        "&rft.pages=e34"
        "&rft.aulast=Gelfand"
    )


def test_seed_paper_file_names(seed_paper):
    assert citations.citation_key(seed_paper) == "Gelfand2014"
    assert citations.download_filename(seed_paper, "ris") == "gelfand2014.ris"
    assert citations.download_filename(seed_paper, "bib") == "gelfand2014.bib"


# Everything else a paper can have


def test_full_paper_as_ris(full_paper):
    assert citations.ris(full_paper).split("\r\n") == [
        "TY  - JOUR",
        "AU  - Cree, B. A. C.",
        "AU  - Hauser, S. L.",
        "TI  - Cost & effect of 100% remyelination_in {MS}: a #trial ~ ^ $5 \\ done?",
        "JO  - Lancet Neurol",
        "PY  - 2012",
        "DA  - 2012/11",
        "VL  - 11",
        "IS  - 11",
        "SP  - 1009",
        "EP  - 1016",
        "DO  - 10.1016/S1474-4422(12)70230-2",
        "AN  - 23122650",
        "UR  - https://doi.org/10.1016/S1474-4422(12)70230-2",
        "AB  - One paragraph & more.",
        "N1  - Epub ahead of print",
        "ER  - ",
        "",
    ]


def test_ris_gives_only_the_year_when_that_is_all_the_citation_gives():
    paper = PaperFactory(date_precision="year", pages="e34")

    lines = citations.ris(paper).split("\r\n")

    assert "PY  - 2014" in lines
    assert not any(line.startswith("DA") for line in lines)


def test_full_paper_as_bibtex_escapes_special_characters(full_paper):
    assert citations.bibtex(full_paper) == (
        "@article{Cree2012,\n"
        "  author = {Cree, B. A. C. and Hauser, S. L. and others},\n"
        "  title = {{Cost \\& effect of 100\\% remyelination\\_in \\{MS\\}: a \\#trial"
        " \\textasciitilde{} \\textasciicircum{} \\$5 \\textbackslash{} done?}},\n"
        "  journal = {Lancet Neurol},\n"
        "  year = {2012},\n"
        "  month = nov,\n"
        "  volume = {11},\n"
        "  number = {11},\n"
        "  pages = {1009--1016},\n"
        "  doi = {10.1016/S1474-4422(12)70230-2},\n"
        "  pmid = {23122650},\n"
        "  abstract = {One paragraph \\& more.},\n"
        "  note = {Epub ahead of print}\n"
        "}\n"
    )


def test_bibtex_leaves_out_the_month_when_only_the_year_is_known():
    assert "month" not in citations.bibtex(PaperFactory(date_precision="year"))


def test_full_paper_as_coins_encodes_values_and_names_doi_and_pmid(full_paper):
    assert citations.coins(full_paper) == (
        "ctx_ver=Z39.88-2004"
        "&rft_val_fmt=info:ofi/fmt:kev:mtx:journal"
        "&rft.genre=article"
        "&rft.atitle=Cost%20%26%20effect%20of%20100%25%20remyelination_in%20%7BMS%7D:"
        "%20a%20%23trial%20~%20%5E%20%245%20%5C%20done%3F"
        "&rft.jtitle=Lancet%20Neurol"
        "&rft.date=2012-11"
        "&rft.volume=11"
        "&rft.issue=11"
        "&rft.spage=1009"
        "&rft.epage=1016"
        "&rft.pages=1009-1016"
        "&rft.aulast=Cree"
        "&rft.aufirst=B.%20A.%20C."
        "&rft.au=Hauser%2C%20S.%20L."
        "&rft_id=info:doi/10.1016/S1474-4422%2812%2970230-2"
        "&rft_id=info:pmid/23122650"
    )


@pytest.mark.parametrize(
    ("precision", "expected"), [("day", "2014-10-09"), ("month", "2014-10"), ("year", "2014")]
)
def test_partial_iso_date_is_as_precise_as_the_citation(precision, expected):
    paper = PaperFactory.build(published_on=datetime.date(2014, 10, 9), date_precision=precision)

    assert citations.partial_iso_date(paper) == expected


def test_a_collective_author_is_a_group_in_every_format():
    paper = PaperFactory(
        author_list=[{"literal": "CLARITY Study Group"}, {"family": "Giovannoni", "given": "G"}],
        authors_et_al=False,
    )

    assert "AU  - CLARITY Study Group\r\n" in citations.ris(paper)
    assert "author = {{CLARITY Study Group} and Giovannoni, G}" in citations.bibtex(paper)
    assert "rft.aucorp=CLARITY%20Study%20Group" in citations.coins(paper)
