"""Papers with people, page ranges and identifiers survive export and re-import."""

import datetime

import pytest

from blog.importers import parse_post_document
from blog.importers.exporter import export_post_document
from blog.importers.writer import import_post
from blog.models import Paper, Post
from tests.blog.test_round_trip import wipe
from tests.factories import CitationFactory, PaperFactory, PostFactory

pytestmark = pytest.mark.django_db

PAPER_FIELDS = ["author_list", "authors_et_al", "title", "journal", "published_on"]
PAPER_FIELDS += ["volume", "issue", "first_page", "last_page", "doi", "pmid"]


@pytest.fixture
def post(author):
    post = PostFactory(author=author, title="Alemtuzumab, two trials", status="published")
    six = PaperFactory(
        authors="Coles AJ, Twyman CL, Arnold DL, Cohen JA, Confavreux C, Fox EJ.",
        title="Alemtuzumab for patients with relapsing multiple sclerosis",
        journal="Lancet",
        published_on=datetime.date(2012, 11, 24),
        volume="380",
        issue="9856",
        pages="1605-17",
        doi="10.1016/S0140-6736(12)61768-1",
        pmid="23122650",
    )
    group = PaperFactory(
        authors="The IFNB Multiple Sclerosis Study Group.",
        title="Interferon beta-1b is effective in relapsing-remitting multiple sclerosis",
        journal="Neurology",
        published_on=datetime.date(1993, 4, 1),
        date_precision="month",
        volume="43",
        issue="4",
        pages="655-61",
    )
    CitationFactory(post=post, paper=six, position=0)
    CitationFactory(post=post, paper=group, position=1)
    return post


def stored(post: Post) -> list[dict]:
    return [{name: getattr(paper, name) for name in PAPER_FIELDS} for paper in post.paper_list()]


def test_people_ranges_and_identifiers_come_back_from_an_exported_document(post):
    before = stored(post)
    document = export_post_document(post)
    wipe()

    again = import_post(parse_post_document(document), source_ref="round-trip").post

    assert stored(Post.objects.get(pk=again.pk)) == before
    assert "380(9856):1605-17." in document


def test_reimport_keeps_full_given_names_and_the_pmcid_the_document_does_not_carry(post):
    document = export_post_document(post)
    import_post(parse_post_document(document), source_ref="round-trip")
    paper = Paper.objects.get(pmid="23122650")
    paper.author_list = [{"family": "Coles", "given": "Alasdair J"}, *paper.author_list[1:]]
    paper.pmcid = "PMC1234567"
    paper.save()

    result = import_post(parse_post_document(document), source_ref="round-trip")

    paper.refresh_from_db()
    assert result.action == "unchanged"
    assert paper.author_list[0] == {"family": "Coles", "given": "Alasdair J"}
    assert paper.pmcid == "PMC1234567"


def test_reimport_with_different_authors_replaces_the_people(post):
    document = export_post_document(post)
    import_post(parse_post_document(document), source_ref="round-trip")

    edited = document.replace("Coles AJ, Twyman CL,", "Coles AJ, Smith J,")
    result = import_post(parse_post_document(edited), source_ref="round-trip")

    paper = Paper.objects.get(pmid="23122650")
    assert result.action == "updated"
    assert paper.author_list[1] == {"family": "Smith", "given": "J."}
