"""The paper admin: identifiers checked by format, and the posts citing the paper."""

import datetime

import pytest
from django.urls import reverse

from blog.admin import PaperAdminForm
from tests.factories import CitationFactory, PaperFactory, PostFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "authors": "Gelfand et al.",
        "title": "Massive CNS monocytic infiltration",
        "journal": "Neurol Neuroimmunol Neuroinflamm",
        "published_on": datetime.date(2014, 10, 9),
        "date_precision": "day",
        "doi": "10.1212/NXI.0000000000000034",
        "pmid": "25340083",
    }
    return data | overrides


@pytest.mark.parametrize("doi", ["", "10.1212/NXI.0000000000000034", "10.10000/abc(1)-2"])
def test_valid_doi_is_accepted(doi):
    assert PaperAdminForm(data=_data(doi=doi)).is_valid()


@pytest.mark.parametrize(
    "doi", ["doi:10.1212/x", "https://doi.org/10.1212/x", "10.12/x", "10.1212", "11.1212/x"]
)
def test_malformed_doi_is_refused(doi):
    form = PaperAdminForm(data=_data(doi=doi))

    assert not form.is_valid()
    assert list(form.errors) == ["doi"]


@pytest.mark.parametrize("pmid", ["PMID25340083", "2534-0083", "12.5", "abc"])
def test_pmid_with_anything_but_digits_is_refused(pmid):
    form = PaperAdminForm(data=_data(pmid=pmid))

    assert not form.is_valid()
    assert list(form.errors) == ["pmid"]


def test_admin_change_form_refuses_a_bad_doi(staff_client):
    paper = PaperFactory()
    data = _data(doi="not a doi") | {
        "abstract_sections-TOTAL_FORMS": "0",
        "abstract_sections-INITIAL_FORMS": "0",
    }

    response = staff_client.post(reverse("admin:blog_paper_change", args=[paper.pk]), data)

    assert response.status_code == 200
    assert "Enter a DOI such as" in response.content.decode()
    paper.refresh_from_db()
    assert paper.doi != "not a doi"


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
