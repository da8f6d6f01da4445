"""The PubMed/Crossref lookup client against a local HTTP server (tests/lookup_server.py)
answering with recorded real responses, slowly, with errors and with malformed XML."""

import datetime
import time

import pytest

from blog.papers import lookup
from tests.lookup_server import Handler


@pytest.fixture
def services(lookup_services):
    return lookup_services


def test_pubmed_record_with_a_structured_abstract(services):
    record = lookup.look_up(pmid="27797938")

    fields = record.fields
    assert record.kind == "PubMed"
    assert len(fields["author_list"]) == 22
    assert fields["author_list"][0] == {"family": "Bao", "given": "Ying"}
    assert fields["journal"] == "Gut"
    assert (fields["volume"], fields["issue"]) == ("66", "6")
    assert (fields["first_page"], fields["last_page"]) == ("1116", "1122")
    assert (fields["doi"], fields["pmid"], fields["pmcid"]) == (
        "10.1136/gutjnl-2016-312510",
        "27797938",
        "PMC5442267",
    )
    assert [label for label, _text in record.abstract] == [
        "OBJECTIVE",
        "DESIGN",
        "RESULTS",
        "CONCLUSIONS",
    ]


def test_pubmed_record_with_a_collective_author(services):
    people = lookup.look_up(pmid="29963580").fields["author_list"]

    assert {"literal": "Canadian Respiratory Research Network"} in people
    assert people[0] == {"family": "Guo", "given": "Fumin"}


@pytest.mark.parametrize(
    ("pmid", "family", "journal", "date", "precision", "pages"),
    [
        ("12091962", "Olivero", "Soc Justice", (1990, 1, 1), "year", ("113", "125")),
        ("11748933", "Taddei", "Cryobiology", (2001, 6, 1), "month", ("244", "255")),
        ("28775130", "Lerro", "Occup Environ Med", (2018, 2, 1), "month", ("79", "89")),
        ("30108519", "Garcia-Tabar", "Front Physiol", (2018, 1, 1), "year", ("1034", "")),
    ],
)
def test_pubmed_records_give_the_nlm_abbreviation_date_and_expanded_pages(
    services, pmid, family, journal, date, precision, pages
):
    fields = lookup.look_up(pmid=f"PMID: {pmid}").fields

    assert fields["author_list"][0]["family"] == family
    assert fields["journal"] == journal
    assert (fields["published_on"], fields["date_precision"]) == (datetime.date(*date), precision)
    assert (fields["first_page"], fields["last_page"]) == pages


@pytest.mark.parametrize(
    ("doi", "family", "count", "journal", "pages"),
    [
        ("10.1371/journal.pone.0033693", "Sadasivan", 6, "PLoS ONE", ("e33693", "")),
        (
            "10.1016/j.neurobiolaging.2010.03.024",
            "Lee",
            11,
            "Neurobiology of Aging",
            ("588", "602"),
        ),
        ("10.1002/jor.1100150407", "Lieber", 12, "Journal Orthopaedic Research", ("519", "527")),
        ("10.1038/srep16696", "Tosatto", 8, "Sci Rep", ("16696", "")),
        ("10.3892/ijo_00000353", "Stravopodis", 1, "Int J Oncol", ("", "")),
    ],
)
def test_crossref_records_by_doi(services, doi, family, count, journal, pages):
    record = lookup.look_up(doi=f"https://doi.org/{doi}")

    fields = record.fields
    assert record.kind == "Crossref"
    assert fields["doi"] == doi
    assert fields["author_list"][0]["family"] == family
    assert len(fields["author_list"]) == count
    assert fields["journal"] == journal
    assert (fields["first_page"], fields["last_page"]) == pages


def test_crossref_jats_abstract_becomes_text(services):
    record = lookup.look_up(doi="10.1038/srep16696")

    ((label, text),) = record.abstract
    assert label == ""
    assert text.startswith("Oligomers of alpha-synuclein")
    assert "<" not in text


def test_requests_name_the_site_and_a_contact_and_ncbi_gets_tool_and_email(services):
    lookup.look_up(pmid="27797938")
    lookup.look_up(doi="10.1038/srep16696")

    pubmed, crossref = Handler.requests
    for request in (pubmed, crossref):
        assert request["User-Agent"].startswith("msblog/")
        assert "mailto:editor@example.org" in request["User-Agent"]
    assert pubmed["query"]["email"] == ["editor@example.org"]
    assert pubmed["query"]["tool"] == ["msblog"]
    assert crossref["path"] == "/ok/works/10.1038/srep16696"


def test_answers_are_cached(services):
    first = lookup.look_up(pmid="27797938")
    second = lookup.look_up(pmid="27797938")

    assert len(Handler.requests) == 1
    assert first.fields == second.fields


def test_a_slow_service_is_given_up_with_a_clear_message(services):
    services("slow")

    started = time.monotonic()
    with pytest.raises(lookup.LookupFailed, match=r"PubMed did not answer within 1 s\."):
        lookup.look_up(pmid="27797938")
    assert time.monotonic() - started < 1.4


def test_a_service_error_is_named(services):
    services("error")

    with pytest.raises(lookup.LookupFailed, match=r"Crossref answered with an error \(503"):
        lookup.look_up(doi="10.1038/srep16696")


def test_malformed_xml_is_reported_not_raised(services):
    services("malformed")

    with pytest.raises(lookup.LookupFailed, match=r"PubMed's answer could not be read: .*XML"):
        lookup.look_up(pmid="27797938")


def test_unknown_records_are_named(services):
    with pytest.raises(lookup.LookupFailed, match=r"PubMed has no record for PMID 1\."):
        lookup.look_up(pmid="1")
    with pytest.raises(lookup.LookupFailed, match=r"Crossref has no record for DOI 10\.1371/nope"):
        lookup.look_up(doi="10.1371/nope")


def test_an_unreachable_service_is_named(services, settings):
    settings.PUBMED_EFETCH_URL = "http://127.0.0.1:9/efetch"  # the discard port: refused

    with pytest.raises(lookup.LookupFailed, match="PubMed could not be reached"):
        lookup.look_up(pmid="27797938")


def test_bad_identifiers_are_refused_before_any_request(services):
    with pytest.raises(lookup.LookupFailed, match="A PMID is a number"):
        lookup.look_up(pmid="abc")
    with pytest.raises(lookup.LookupFailed, match="Enter a PMID or a DOI"):
        lookup.look_up()
    assert Handler.requests == []


def test_crossref_answers_when_pubmed_fails_and_the_doi_is_known(services, settings, lookup_server):
    settings.PUBMED_EFETCH_URL = f"{lookup_server}/error/efetch"

    record = lookup.look_up(pmid="27797938", doi="10.1038/srep16696")

    assert record.kind == "Crossref"
    assert record.fields["author_list"][0]["family"] == "Tosatto"


def test_when_both_fail_both_are_named(services):
    services("error")

    with pytest.raises(lookup.LookupFailed, match=r"PubMed answered .* Crossref answered"):
        lookup.look_up(pmid="27797938", doi="10.1038/srep16696")
