"""The paper page, and a cited paper's RIS and BibTeX downloads."""

import datetime
import json
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from blog import citations
from blog.papers import csl
from tests.factories import AbstractSectionFactory, CitationFactory, PaperFactory, PostFactory
from tests.html import page, text_of, warm_queries

pytestmark = pytest.mark.django_db

SEED_TITLE = (
    "Massive CNS monocytic infiltration at autopsy in an alemtuzumab-treated patient with NMO"
)
SEED_CITATION = (
    f"Gelfand et al. {SEED_TITLE}. Neurol Neuroimmunol Neuroinflamm. 2014 Oct 9;1(3):e34."
)


@pytest.fixture
def seed_paper(seed_post):
    return seed_post.paper_list()[0]


@pytest.fixture
def known_paper():
    """A paper with a DOI, a PMID and a labelled abstract."""
    paper = PaperFactory(
        title="Cost & effect <in> MS",
        doi="10.1212/NXI.0000000000000034",
        pmid="25340086",
    )
    AbstractSectionFactory(paper=paper, position=0, label="OBJECTIVES", text="To describe.")
    AbstractSectionFactory(paper=paper, position=1, label="RESULTS", text="A & B <found>.")
    return paper


# The page


def test_seed_paper_page_shows_citation_abstract_and_the_post_citing_it(
    client, seed_post, seed_paper
):
    soup = page(client, seed_paper.get_absolute_url())

    assert [text_of(h1) for h1 in soup.find_all("h1")] == [SEED_TITLE]
    assert text_of(soup.select_one(".paper .citation")) == SEED_CITATION
    labels = [text_of(s) for s in soup.select(".abstract .abstract-label")]
    assert labels == ["OBJECTIVES", "RESULTS", "CONCLUSIONS"]
    abstract = text_of(soup.select_one(".abstract"))
    assert abstract.startswith("OBJECTIVES To describe the clinical course and neuropathology")
    assert abstract.endswith("despite a dramatic decline in contrast-enhancing lesions.")
    cited_by = soup.select_one("section.cited-by")
    assert text_of(cited_by.h2) == "Posts citing this paper"
    assert [a["href"] for a in cited_by.select("article.post-summary h2 a")] == [
        seed_post.get_absolute_url()
    ]
    # The seed citation gives neither DOI nor PMID, so there is nothing to link to.
    hrefs = [a["href"] for a in soup.select(".paper-links a")]
    assert not any("doi.org" in href or "pubmed" in href for href in hrefs)


def test_paper_page_links_doi_and_pubmed_when_known(client, known_paper):
    soup = page(client, known_paper.get_absolute_url())

    links = {text_of(a): a["href"] for a in soup.select(".paper-links a")}
    assert links == {
        "DOI: 10.1212/NXI.0000000000000034": "https://doi.org/10.1212/NXI.0000000000000034",
        "PubMed: 25340086": "https://pubmed.ncbi.nlm.nih.gov/25340086/",
        "Download RIS": f"/papers/{known_paper.pk}/ris/",
        "Download BibTeX": f"/papers/{known_paper.pk}/bibtex/",
    }
    assert [text_of(s) for s in soup.select(".abstract strong")] == ["OBJECTIVES", "RESULTS"]
    assert "A & B <found>." in [text_of(p) for p in soup.select(".abstract p")]
    assert text_of(soup.select_one(".citation")) == known_paper.vancouver()


def test_paper_page_lists_every_published_post_citing_it_newest_first(client, author, known_paper):
    now = datetime.datetime.now(tz=datetime.UTC)
    older = PostFactory(author=author, published_at=now - datetime.timedelta(days=30))
    newer = PostFactory(author=author, published_at=now - datetime.timedelta(days=3))
    draft = PostFactory(author=author, status="draft")
    future = PostFactory(author=author, published_at=now + datetime.timedelta(days=3))
    for post in [older, newer, draft, future]:
        CitationFactory(post=post, paper=known_paper)
    CitationFactory(post=PostFactory(author=author))  # cites another paper

    soup = page(client, known_paper.get_absolute_url())

    listed = [a["href"] for a in soup.select("section.cited-by article.post-summary h2 a")]
    assert listed == [newer.get_absolute_url(), older.get_absolute_url()]


def test_paper_page_has_a_coins_span_url_encoded_and_html_escaped(client, known_paper):
    response = client.get(known_paper.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")

    [span] = soup.select("span.Z3988")
    assert span["title"] == citations.coins(known_paper)
    assert span["title"].startswith(
        "ctx_ver=Z39.88-2004&rft_val_fmt=info:ofi/fmt:kev:mtx:journal&rft.genre=article"
        "&rft.atitle=Cost%20%26%20effect%20%3Cin%3E%20MS&"
    )
    assert (
        "&rft_id=info:doi/10.1212/NXI.0000000000000034&rft_id=info:pmid/25340086" in (span["title"])
    )
    # As written in the page: every & of the query string is escaped in the attribute.
    assert (
        b'title="ctx_ver=Z39.88-2004&amp;rft_val_fmt=info:ofi/fmt:kev:mtx:journal&amp;'
        in response.content
    )


def test_seed_paper_page_is_a_scholarly_article(client, seed_paper):
    soup = page(client, seed_paper.get_absolute_url())

    [script] = soup.find_all("script", type="application/ld+json")
    data = json.loads(script.string)
    url = f"{settings.SITE_URL}/papers/{seed_paper.pk}/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["@id"] == data["mainEntityOfPage"] == url
    assert data["name"] == data["headline"] == SEED_TITLE
    assert data["author"] == [{"@type": "Person", "name": "Gelfand", "familyName": "Gelfand"}]
    assert data["datePublished"] == "2014-10-09"
    assert data["pagination"] == "e34"
    assert data["isPartOf"]["issueNumber"] == "3"
    assert data["isPartOf"]["isPartOf"]["volumeNumber"] == "1"
    assert data["isPartOf"]["isPartOf"]["isPartOf"] == {
        "@type": "Periodical",
        "name": "Neurol Neuroimmunol Neuroinflamm",
    }
    assert data["abstract"] == citations.abstract_text(seed_paper)
    assert data["abstract"].startswith("OBJECTIVES: To describe the clinical course")
    assert soup.head.find("link", rel="canonical")["href"] == url


def test_paper_page_query_count_is_the_same_for_1_and_10_citing_posts(client, author, known_paper):
    def queries() -> int:
        return warm_queries(client, known_paper.get_absolute_url())

    CitationFactory(post=PostFactory(author=author, tags=["MSResearch"]), paper=known_paper)
    one = queries()
    for _ in range(9):
        CitationFactory(
            post=PostFactory(author=author, tags=["MSResearch", "NMO"]), paper=known_paper
        )
    ten = queries()

    assert one == ten
    # paper, abstract sections, posts, their hashtags (the sidebar is cached)
    assert ten == 4


# Downloads


def test_seed_paper_downloads_as_ris(client, seed_paper):
    response = client.get(f"/papers/{seed_paper.pk}/ris/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="gelfand2014.ris"'
    body = response.content.decode("utf-8")
    assert body == citations.ris(seed_paper)
    assert body.startswith(
        "TY  - JOUR\r\n"
        "AU  - Gelfand\r\n"
        f"TI  - {SEED_TITLE}\r\n"
        "JO  - Neurol Neuroimmunol Neuroinflamm\r\n"
        "PY  - 2014\r\n"
        "DA  - 2014/10/09\r\n"
        "VL  - 1\r\n"
        "IS  - 3\r\n"
        "SP  - e34\r\n"
        "AB  - OBJECTIVES: To describe the clinical course"
    )
    assert body.endswith("contrast-enhancing lesions.\r\nER  - \r\n")


def test_seed_paper_downloads_as_bibtex(client, seed_paper):
    response = client.get(f"/papers/{seed_paper.pk}/bibtex/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="gelfand2014.bib"'
    body = response.content.decode("utf-8")
    assert body == citations.bibtex(seed_paper)
    assert body.startswith(
        "@article{Gelfand2014,\n"
        "  author = {Gelfand and others},\n"
        f"  title = {{{{{SEED_TITLE}}}}},\n"
        "  journal = {Neurol Neuroimmunol Neuroinflamm},\n"
        "  year = {2014},\n"
        "  month = oct,\n"
        "  volume = {1},\n"
        "  number = {3},\n"
        "  pages = {e34},\n"
        "  abstract = {OBJECTIVES: To describe the clinical course"
    )
    assert body.endswith("contrast-enhancing lesions.}\n}\n")


def test_downloads_of_an_unknown_paper_are_not_found(client, db):
    assert client.get("/papers/999999/ris/").status_code == 404
    assert client.get("/papers/999999/bibtex/").status_code == 404


def test_downloads_only_answer_get_and_head(client, known_paper):
    for url in [f"/papers/{known_paper.pk}/ris/", f"/papers/{known_paper.pk}/bibtex/"]:
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405


def test_download_queries_paper_and_abstract_only(client, known_paper, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(f"/papers/{known_paper.pk}/ris/")


def test_paper_page_offers_citation_styles_with_copy_buttons(client, seed_paper):
    page = BeautifulSoup(client.get(seed_paper.get_absolute_url()).content, "html.parser")

    block = page.find("section", class_="cite-this")
    labels = [caption.get_text() for caption in block.find_all("figcaption")]
    assert labels == [label for _key, label, _file in csl.STYLES]
    ama = block.find(id="cite-ama").get_text(" ", strip=True)
    assert ama.startswith("Gelfand. Massive CNS monocytic infiltration at autopsy")
    buttons = block.find_all("button", class_="copy-citation")
    assert [button["data-copy"] for button in buttons] == [
        f"cite-{key}" for key, _label, _file in csl.STYLES
    ]
    assert all(button.has_attr("hidden") for button in buttons)  # until cite.js shows them
    assert block.find("a", href=reverse("blog:paper-csl-json", kwargs={"pk": seed_paper.pk}))


def test_seed_paper_downloads_as_csl_json(client, seed_paper):
    response = client.get(reverse("blog:paper-csl-json", kwargs={"pk": seed_paper.pk}))

    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert 'filename="gelfand2014.json"' in response["Content-Disposition"]
    (item,) = json.loads(response.content)
    assert item["author"] == [{"family": "Gelfand"}]
    assert item["custom"] == {"authors-truncated": True}
    assert item["issued"] == {"date-parts": [[2014, 10, 9]]}
    assert item["page"] == "e34"
    assert item["abstract"].startswith("OBJECTIVES: To describe the clinical course")


def test_citation_styles_are_rendered_once_until_the_paper_changes(client, seed_paper):
    url = seed_paper.get_absolute_url()
    with mock.patch("blog.papers.csl.render_style", wraps=csl.render_style) as render:
        client.get(url)
        client.get(url)
        assert render.call_count == len(csl.STYLES)

        seed_paper.title = "A new title"
        seed_paper.save()
        assert "A new title" in client.get(url).text
        assert render.call_count == 2 * len(csl.STYLES)
