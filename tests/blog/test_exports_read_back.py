"""Exports read back by parsers nobody here wrote: rispy, bibtexparser and citeproc-py.

The seed paper is one person (Gelfand) and a cut list; a six-author paper is six people;
an NLM short range ("1605-17") is pages 1605 to 1617 everywhere but the Vancouver line.
"""

import datetime
import json
from urllib.parse import parse_qsl

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from blog import citations
from blog.papers import csl
from blog.structured_data import paper_json_ld
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

# Coles AJ, et al. Alemtuzumab for patients with relapsing multiple sclerosis after
# disease-modifying therapy (CARE-MS II). Lancet. 2012;380(9856):1829-39, its first six.
SIX_AUTHORS = "Coles AJ, Twyman CL, Arnold DL, Cohen JA, Confavreux C, Fox EJ."
SIX_FAMILIES = ["Coles", "Twyman", "Arnold", "Cohen", "Confavreux", "Fox"]


@pytest.fixture
def seed_paper(seed_post):
    return seed_post.paper_list()[0]


@pytest.fixture
def six_author_paper():
    return PaperFactory(
        authors=SIX_AUTHORS,
        title="Alemtuzumab for patients with relapsing multiple sclerosis after "
        "disease-modifying therapy: a randomised controlled phase 3 trial",
        journal="Lancet",
        published_on=datetime.date(2012, 11, 24),
        volume="380",
        issue="9856",
        pages="1605-17",
        doi="10.1016/S0140-6736(12)61768-1",
        pmid="23122650",
    )


def read_ris(text: str) -> dict:
    (entry,) = rispy.loads(text)
    return entry


def read_bibtex(text: str) -> list[dict]:
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    (entry,) = library.entries
    return entry


def read_coins(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text)


def test_seed_ris_reads_back_as_one_author_gelfand_without_et_al(seed_paper):
    entry = read_ris(citations.ris(seed_paper))

    assert entry["authors"] == ["Gelfand"]
    assert entry["start_page"] == "e34"
    assert "end_page" not in entry


def test_seed_bibtex_reads_back_as_gelfand_and_others(seed_paper):
    entry = read_bibtex(citations.bibtex(seed_paper))

    assert [name.last for name in entry["author"]] == [["Gelfand"], ["others"]]


def test_seed_coins_names_gelfand_as_the_first_authors_surname(seed_paper):
    pairs = read_coins(citations.coins(seed_paper))

    assert ("rft.aulast", "Gelfand") in pairs
    assert not any("al." in value for key, value in pairs if key.startswith("rft.au"))


def test_seed_json_ld_author_is_a_person_named_gelfand(seed_paper):
    data = paper_json_ld(seed_paper)

    assert data["author"] == [{"@type": "Person", "name": "Gelfand", "familyName": "Gelfand"}]
    assert json.loads(json.dumps(data))["author"][0]["familyName"] == "Gelfand"


def test_six_author_paper_is_six_people_in_every_format(six_author_paper):
    ris_entry = read_ris(citations.ris(six_author_paper))
    bib_entry = read_bibtex(citations.bibtex(six_author_paper))
    coins = read_coins(citations.coins(six_author_paper))
    json_ld = paper_json_ld(six_author_paper)

    assert [name.split(",")[0] for name in ris_entry["authors"]] == SIX_FAMILIES
    assert [name.last[0] for name in bib_entry["author"]] == SIX_FAMILIES
    assert bib_entry["author"][0].first == ["A.", "J."]
    assert [value for key, value in coins if key == "rft.aulast"] == ["Coles"]
    assert len([value for key, value in coins if key == "rft.au"]) == 5
    assert [person["familyName"] for person in json_ld["author"]] == SIX_FAMILIES


def test_nlm_short_page_range_is_expanded_in_exports_and_kept_in_vancouver(six_author_paper):
    ris_entry = read_ris(citations.ris(six_author_paper))
    bib_entry = read_bibtex(citations.bibtex(six_author_paper))
    coins = dict(read_coins(citations.coins(six_author_paper)))
    json_ld = paper_json_ld(six_author_paper)

    assert (ris_entry["start_page"], ris_entry["end_page"]) == ("1605", "1617")
    assert bib_entry["pages"] == "1605--1617"
    assert (coins["rft.spage"], coins["rft.epage"]) == ("1605", "1617")
    assert (json_ld["pageStart"], json_ld["pageEnd"]) == ("1605", "1617")
    assert ";380(9856):1605-17." in six_author_paper.vancouver()


def test_csl_json_is_read_by_citeproc_in_every_offered_style(six_author_paper):
    item = csl.csl_json(six_author_paper)

    assert item["author"][0] == {"family": "Coles", "given": "A. J."}
    assert item["page"] == "1605-1617"
    ama = csl.render_style(item, "american-medical-association")
    assert ama.startswith("Coles AJ, Twyman CL, Arnold DL, Cohen JA, Confavreux C, Fox EJ.")
    for _key, _label, file_name in csl.STYLES:
        text = csl.render_style(item, file_name)
        assert text.startswith("Coles"), file_name
        assert "Alemtuzumab for patients with relapsing multiple sclerosis" in text


def test_ama_style_renders_the_seed_as_nlm_does(seed_paper):
    text = csl.render_style(csl.csl_json(seed_paper), "american-medical-association")

    assert text.startswith("Gelfand. Massive CNS monocytic infiltration at autopsy")
    assert "Neurol Neuroimmunol Neuroinflamm. 2014;1(3):e34." in text


def test_the_seed_vancouver_line_is_unchanged(seed_paper, seed_text):
    line = (
        "Gelfand et al. Massive CNS monocytic infiltration at autopsy in an "
        "alemtuzumab-treated patient with NMO. Neurol Neuroimmunol Neuroinflamm. "
        "2014 Oct 9;1(3):e34."
    )

    assert seed_paper.vancouver() == line
    assert seed_paper.authors == "Gelfand et al."
