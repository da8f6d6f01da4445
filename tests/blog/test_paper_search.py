"""Search finds papers by author, journal, title and identifier, and posts by the papers
they cite; a paper's page lists every published post citing it."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from blog.search import search_papers, search_posts
from tests.factories import CitationFactory, PaperFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def care_ms():
    return PaperFactory(
        authors="Cohen JA, Coles AJ, Arnold DL, Confavreux C, Fox EJ, Hartung HP, et al.",
        title="Alemtuzumab versus interferon beta 1a as first-line treatment",
        journal="Lancet",
        published_on=datetime.date(2012, 11, 24),
        pages="1819-28",
        doi="10.1016/S0140-6736(12)61769-3",
        pmid="23122652",
        pmcid="PMC1234567",
    )


@pytest.mark.parametrize(
    "query",
    [
        "Confavreux",
        "hartung",
        "Lancet",
        "interferon first-line",
        "Coles Lancet",
        "10.1016/S0140-6736(12)61769-3",
        "https://doi.org/10.1016/s0140-6736(12)61769-3",
        "PMID: 23122652",
        "https://pubmed.ncbi.nlm.nih.gov/23122652/",
        "PMC1234567",
    ],
)
def test_papers_are_found_by_author_journal_title_and_identifier(care_ms, query):
    assert list(search_papers(query)) == [care_ms]


@pytest.mark.parametrize("query", ["", "Gelfand", "Confavreux Gelfand", "PMID: 1"])
def test_other_queries_do_not_find_the_paper(care_ms, query):
    assert care_ms not in search_papers(query)


def test_searching_gelfand_finds_the_seed_paper_and_the_post_citing_it(client, seed_post):
    response = client.get(reverse("blog:search"), {"q": "Gelfand"})

    page = BeautifulSoup(response.content, "html.parser")
    papers = page.find("section", class_="paper-results")
    paper = seed_post.paper_list()[0]
    assert papers.find("a", href=paper.get_absolute_url()).get_text().startswith("Gelfand et al.")
    assert page.find("a", href=seed_post.get_absolute_url())
    assert list(search_posts("Gelfand")) == [seed_post]


def test_posts_are_found_by_a_cited_papers_journal(author, care_ms):
    post = PostFactory(author=author, title="Another look at CARE-MS")
    CitationFactory(post=post, paper=care_ms)

    assert list(search_posts("Lancet")) == [post]
    assert list(search_posts("Confavreux")) == [post]


def test_later_pages_of_results_do_not_repeat_the_papers(client, author, care_ms, settings):
    settings.COMMENTS_PER_PAGE = 200
    for number in range(12):
        CitationFactory(post=PostFactory(author=author, title=f"Lancet {number}"), paper=care_ms)

    first = client.get(reverse("blog:search"), {"q": "Lancet"})
    second = client.get(reverse("blog:search"), {"q": "Lancet", "page": 2})

    assert "paper-results" in first.text
    assert second.status_code == 200 and "paper-results" not in second.text
