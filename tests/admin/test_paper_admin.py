"""The paper admin: identifiers checked by format, and the posts citing the paper."""

import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from blog.models import Paper
from blog.papers.forms import PaperAdminForm
from tests.factories import CitationFactory, PaperFactory, PostFactory

pytestmark = pytest.mark.django_db


PAPERS = Path(__file__).resolve().parents[2] / "fixtures" / "papers"
NO_SECTIONS = {"abstract_sections-TOTAL_FORMS": "0", "abstract_sections-INITIAL_FORMS": "0"}


def _data(**overrides):
    data = {
        "authors_text": "Gelfand\net al.",
        "title": "Massive CNS monocytic infiltration",
        "journal": "Neurol Neuroimmunol Neuroinflamm",
        "published_on": datetime.date(2014, 10, 9),
        "date_precision": "day",
        "pages_text": "e34",
        "doi": "10.1212/NXI.0000000000000034",
        "pmid": "25340083",
    }
    return data | overrides


@pytest.mark.parametrize(
    ("doi", "stored"),
    [
        ("", ""),
        ("10.1212/NXI.0000000000000034", "10.1212/NXI.0000000000000034"),
        ("10.10000/abc(1)-2", "10.10000/abc(1)-2"),
        ("doi:10.1212/x", "10.1212/x"),
        ("https://doi.org/10.1212/x", "10.1212/x"),
        ("http://dx.doi.org/10.1212/x.", "10.1212/x"),
    ],
)
def test_a_doi_is_accepted_as_pasted_and_stored_bare(doi, stored):
    form = PaperAdminForm(data=_data(doi=doi))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["doi"] == stored


@pytest.mark.parametrize(
    "doi", ["10.12/x", "10.1212", "11.1212/x", "https://example.org/10.1212/x"]
)
def test_malformed_doi_is_refused(doi):
    form = PaperAdminForm(data=_data(doi=doi))

    assert not form.is_valid()
    assert list(form.errors) == ["doi"]


@pytest.mark.parametrize(
    ("pmid", "stored"),
    [("PMID: 20089960", "20089960"), ("https://pubmed.ncbi.nlm.nih.gov/20089960/", "20089960")],
)
def test_a_pmid_is_accepted_as_pasted(pmid, stored):
    form = PaperAdminForm(data=_data(pmid=pmid))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["pmid"] == stored


@pytest.mark.parametrize("pmid", ["2534-0083", "12.5", "abc", "0"])
def test_pmid_with_anything_but_digits_is_refused(pmid):
    form = PaperAdminForm(data=_data(pmid=pmid))

    assert not form.is_valid()
    assert list(form.errors) == ["pmid"]


def test_a_pmcid_is_normalised_and_checked():
    assert PaperAdminForm(data=_data(pmcid="pmc4202677")).is_valid()
    assert not PaperAdminForm(data=_data(pmcid="4202677x")).is_valid()


def test_admin_change_form_refuses_a_bad_doi(staff_client):
    paper = PaperFactory()
    data = _data(doi="not a doi") | NO_SECTIONS

    response = staff_client.post(reverse("admin:blog_paper_change", args=[paper.pk]), data)

    assert response.status_code == 200
    assert "Enter a DOI such as" in response.content.decode()
    paper.refresh_from_db()
    assert paper.doi != "not a doi"


def test_authors_one_a_line_and_pages_as_written_are_saved_as_people_and_a_range(staff_client):
    data = _data(
        authors_text="Coles AJ\nTwyman, Cary L\nCAMMS223 Trial Investigators\net al.",
        pages_text="1605-17",
        doi="",
        pmid="",
    )

    response = staff_client.post(reverse("admin:blog_paper_add"), data | NO_SECTIONS)

    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.author_list == [
        {"family": "Coles", "given": "A. J."},
        {"family": "Twyman", "given": "Cary L"},
        {"literal": "CAMMS223 Trial Investigators"},
    ]
    assert paper.authors_et_al is True
    assert (paper.first_page, paper.last_page) == ("1605", "1617")
    assert paper.authors == "Coles AJ, Twyman CL, CAMMS223 Trial Investigators, et al."


def test_the_change_page_shows_people_one_a_line_and_pages_as_nlm_writes_them(staff_client):
    paper = PaperFactory(authors="Cree BAC, Hauser SL, et al.", pages="1009-1016")

    response = staff_client.get(reverse("admin:blog_paper_change", args=[paper.pk]))

    form = response.context["adminform"].form
    assert form.initial["authors_text"] == "Cree BAC\nHauser SL\net al."
    assert form.initial["pages_text"] == "1009-16"


def _read(staff_client, paste: str, **data):
    post = {"paste": paste, "_read_citation": "1", **NO_SECTIONS, **data}
    return staff_client.post(reverse("admin:blog_paper_add"), post)


def test_reading_a_pasted_citation_fills_the_form_for_review_and_saves_nothing(staff_client):
    line = (PAPERS / "ms-citations.txt").read_text(encoding="utf-8").splitlines()[7]

    response = _read(staff_client, line)

    assert response.status_code == 200
    assert Paper.objects.count() == 0
    form = response.context["adminform"].form
    assert form.data["title"] == (
        "A placebo-controlled trial of oral cladribine for relapsing multiple sclerosis"
    )
    assert form.data["authors_text"].splitlines()[0] == "Giovannoni G"
    assert form.data["authors_text"].splitlines()[-1] == "et al."
    assert (form.data["pages_text"], form.data["pmid"]) == ("416-26", "20089960")
    assert form.data["published_on"] == "2010-02-04"
    assert "Read a citation line: check the fields below, then save." in response.text
    assert form.data["paste"] == line


def test_saving_the_reviewed_fields_stores_the_paper(staff_client):
    line = (PAPERS / "ms-citations.txt").read_text(encoding="utf-8").splitlines()[7]
    data = _read(staff_client, line).context["adminform"].form.data.copy()
    del data["_read_citation"]

    response = staff_client.post(reverse("admin:blog_paper_add"), data)

    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.vancouver().startswith("Giovannoni G, Comi G, Cook S, Rammohan K, Rieckmann P,")
    assert (paper.first_page, paper.last_page, paper.pmid) == ("416", "426", "20089960")


def test_a_pasted_pubmed_abstract_fills_the_labelled_sections(staff_client):
    paste = (PAPERS / "pubmed-abstract-seed.txt").read_text(encoding="utf-8")
    data = _read(staff_client, paste).context["adminform"].form.data.copy()
    del data["_read_citation"]

    staff_client.post(reverse("admin:blog_paper_add"), data)

    paper = Paper.objects.get()
    sections = list(paper.abstract_sections.values_list("position", "label"))
    assert sections == [(0, "OBJECTIVES"), (1, "RESULTS"), (2, "CONCLUSIONS")]
    assert paper.pmid == "25340086"


def test_a_paste_that_is_not_a_citation_is_named_and_kept(staff_client):
    typed = "Alemtuzumab worked wonders for me, thanks Prof G"

    response = _read(staff_client, typed, title="My own title")

    assert response.status_code == 200
    assert Paper.objects.count() == 0
    assert "Could not read the authors at the start" in response.text
    assert typed in response.text
    assert response.context["adminform"].form.data["title"] == "My own title"


def test_looking_up_a_pmid_fills_the_form_from_pubmed(staff_client, lookup_services):
    post = {"_look_up": "1", "pmid": "PMID: 27797938", **NO_SECTIONS}

    response = staff_client.post(reverse("admin:blog_paper_add"), post)

    form = response.context["adminform"].form
    assert Paper.objects.count() == 0
    assert "Looked up in PubMed: check, then save." in response.text
    assert form.data["journal"] == "Gut"
    assert form.data["authors_text"].splitlines()[0] == "Bao Y"
    assert form.data["abstract_sections-0-label"] == "OBJECTIVE"


def test_a_lookup_that_fails_says_why_and_keeps_what_was_typed(staff_client, settings):
    settings.PUBMED_EFETCH_URL = "http://127.0.0.1:9/efetch"
    post = {"_look_up": "1", "pmid": "27797938", "title": "Typed title", **NO_SECTIONS}

    response = staff_client.post(reverse("admin:blog_paper_add"), post)

    assert "PubMed could not be reached" in response.text
    assert "paste the citation" in response.text
    assert response.context["adminform"].form.data["title"] == "Typed title"
    assert Paper.objects.count() == 0


def test_change_page_lists_the_citing_posts(staff_client, author):
    paper = PaperFactory()
    first = CitationFactory(paper=paper, post=PostFactory(author=author, title="First take"))
    CitationFactory(paper=paper, post=PostFactory(author=author, title="Second <look>"))
    PostFactory(author=author, title="Unrelated")

    html = staff_client.get(reverse("admin:blog_paper_change", args=[paper.pk])).content.decode()

    assert "First take" in html
    assert "Second &lt;look&gt;" in html
    assert "Unrelated" not in html
    assert reverse("admin:blog_post_change", args=[first.post.pk]) in html


def test_add_page_opens_without_citing_posts(staff_client):
    assert staff_client.get(reverse("admin:blog_paper_add")).status_code == 200


def test_save_stays_the_first_submit_button_so_enter_saves(staff_client):
    page = BeautifulSoup(staff_client.get(reverse("admin:blog_paper_add")).content, "html.parser")

    buttons = [button["name"] for button in page.select("form input[type=submit]")]
    assert buttons[0] == "_save"
    assert {"_read_citation", "_look_up"} <= set(buttons)
