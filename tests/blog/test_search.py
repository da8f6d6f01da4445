"""Search: /search/?q= finds published posts by title, teaser, body and cited paper titles.

The same tests run on SQLite (icontains fallback, newest first) and PostgreSQL (full-text
search, ranked); the few that depend on one engine say so.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.search import MAX_QUERY_LENGTH, add_snippets, normalize_query, search_posts
from tests.factories import CitationFactory, CommentFactory, PaperFactory, PostFactory
from tests.html import warm_queries

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")

SEARCH = reverse("blog:search")


def search_page(client, query: str, **params) -> BeautifulSoup:
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200, query
    return BeautifulSoup(response.content, "html.parser")


def found(soup: BeautifulSoup) -> list[str]:
    return [h2.a["href"] for h2 in soup.select("main article.post-summary h2")]


def test_search_route_is_named():
    assert SEARCH == "/search/"


@pytest.mark.parametrize("field", ["title", "teaser", "body"])
def test_search_finds_a_word_in_the_title_teaser_or_body(client, author, field):
    match = PostFactory(author=author, **{field: "Alemtuzumab and the macrophage question"})
    PostFactory(author=author, title="Something else entirely")

    assert found(search_page(client, "alemtuzumab")) == [match.get_absolute_url()]


def test_search_finds_the_title_of_a_cited_paper(client, author):
    post = PostFactory(author=author)
    CitationFactory(post=post, paper=PaperFactory(title="Aquaporin-4 antibodies in myelitis"))
    CitationFactory(post=post, paper=PaperFactory(title="Another study"))
    PostFactory(author=author)

    assert found(search_page(client, "aquaporin")) == [post.get_absolute_url()]


def test_search_leaves_out_drafts_and_future_posts(client, author):
    published = PostFactory(author=author, title="Ocrelizumab published")
    PostFactory(author=author, title="Ocrelizumab draft", status="draft")
    PostFactory(
        author=author,
        title="Ocrelizumab future",
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )

    assert found(search_page(client, "ocrelizumab")) == [published.get_absolute_url()]


def test_search_needs_every_word(client, author):
    both = PostFactory(author=author, title="Alemtuzumab in NMO")
    PostFactory(author=author, title="Alemtuzumab in MS")

    assert found(search_page(client, "alemtuzumab nmo")) == [both.get_absolute_url()]


def test_search_finds_the_seed_post(client, seed_post):
    soup = search_page(client, "alemtuzumab")

    assert found(soup) == [seed_post.get_absolute_url()]
    assert "1 post found" in soup.select_one(".result-count").get_text()
    assert soup.select_one("main .snippet mark").get_text().lower() == "alemtuzumab"


@postgresql_only
def test_postgresql_ranks_title_matches_first_and_stems_words(client, author):
    now = timezone.now()
    in_body = PostFactory(
        author=author,
        body="A note on macrophages.",
        published_at=now - datetime.timedelta(days=1),
    )
    in_title = PostFactory(
        author=author,
        title="Macrophage infiltrates",
        published_at=now - datetime.timedelta(days=30),
    )

    assert found(search_page(client, "macrophage")) == [
        in_title.get_absolute_url(),
        in_body.get_absolute_url(),
    ]


@sqlite_only
def test_sqlite_fallback_lists_matches_newest_first(client, author):
    now = timezone.now()
    older = PostFactory(
        author=author, title="Macrophage infiltrates", published_at=now - datetime.timedelta(9)
    )
    newer = PostFactory(
        author=author, body="Macrophages.", published_at=now - datetime.timedelta(1)
    )

    assert found(search_page(client, "macrophage")) == [
        newer.get_absolute_url(),
        older.get_absolute_url(),
    ]


def test_snippet_marks_the_matches(client, author):
    PostFactory(author=author, teaser="", body="Words before. Then natalizumab appears here.")

    snippet = search_page(client, "natalizumab").select_one("main .snippet")

    assert [m.get_text() for m in snippet.find_all("mark")] == ["natalizumab"]
    assert "appears here" in snippet.get_text()


def test_snippet_escapes_the_post_text(client, author):
    PostFactory(
        author=author,
        teaser="",
        body='<script>alert("x")</script> natalizumab & <b>bold</b> <img src=x onerror=alert(1)>',
    )

    response = client.get(SEARCH, {"q": "natalizumab"})
    html = response.content.decode()
    snippet = BeautifulSoup(html, "html.parser").select_one("main .snippet")

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html
    assert snippet.find_all(True) == snippet.find_all("mark")  # no element but <mark>
    assert [m.get_text() for m in snippet.find_all("mark")] == ["natalizumab"]


def test_query_is_escaped_on_the_page(client, author):
    html = client.get(SEARCH, {"q": '<script>alert("q")</script>'}).content.decode()

    assert '<script>alert("q")</script>' not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   \t  ",
        "!!! & | ( :*",
        "'; DROP TABLE blog_post; --",
        "a & !b | (c <-> d) :* \\",
        '"unclosed quote',
        "%_%",
        "Ménière\u2019s disease ü 多発性硬化症 🧠",
        "nul\x00byte",
        "x" * 2000,
        "word " * 400,
    ],
    ids=[
        "empty",
        "whitespace",
        "tsquery-syntax",
        "sql",
        "more-syntax",
        "quote",
        "like-wildcards",
        "unicode",
        "nul",
        "long",
        "many-words",
    ],
)
def test_any_query_gets_a_friendly_page(client, seed_post, query):
    soup = search_page(client, query)

    assert len(soup.find_all("h1")) == 1
    assert soup.select_one("main search input[name=q]")


def test_like_wildcards_match_literally(client, author):
    PostFactory(author=author, title="Plain title")

    assert found(search_page(client, "%")) == []
    assert found(search_page(client, "_")) == []


def test_unicode_query_finds_unicode_text(client, author):
    post = PostFactory(author=author, body="Ménière\u2019s disease is not MS.")

    assert found(search_page(client, "Ménière\u2019s")) == [post.get_absolute_url()]


def test_empty_query_asks_for_words_and_runs_no_search(client, db):
    soup = search_page(client, "")

    assert soup.h1.get_text() == "Search the blog"
    assert found(soup) == []
    assert "Type one or more words" in soup.main.get_text()


def test_no_results_say_so(client, author):
    PostFactory(author=author)

    soup = search_page(client, "zzzzqqq")

    assert "No posts match “zzzzqqq”" in soup.main.get_text()


def test_results_are_paginated_and_keep_the_query(client, author, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    now = timezone.now()
    for n in range(5):
        PostFactory(
            author=author, title=f"Fingolimod {n}", published_at=now - datetime.timedelta(days=n)
        )

    first = search_page(client, "fingolimod")
    third = search_page(client, "fingolimod", page=3)

    assert len(found(first)) == 2
    assert len(found(third)) == 1
    assert first.select_one('.pagination a[rel="next"]')["href"] == "?q=fingolimod&page=2"
    assert client.get(SEARCH, {"q": "fingolimod", "page": 4}).status_code == 404


def test_header_search_form_is_a_labelled_search_landmark(client, db):
    soup = BeautifulSoup(client.get("/").content, "html.parser")

    landmark = soup.select_one("header search")
    form = landmark.form
    assert form["action"] == SEARCH
    assert form["method"] == "get"
    field = form.find("input", attrs={"name": "q"})
    assert soup.find("label", attrs={"for": field["id"]}).get_text(strip=True)


def test_search_query_count_does_not_grow_with_results(client, author):
    def count(query: str) -> int:
        return warm_queries(client, SEARCH, {"q": query})

    PostFactory(author=author, title="Cladribine one", tags=["MSResearch"])
    few = count("cladribine")
    for post in PostFactory.create_batch(
        25, author=author, title="Cladribine many", tags=["MSResearch", "NMO"]
    ):
        CommentFactory.create_batch(2, post=post)
        CitationFactory(post=post)
    many = count("cladribine")

    assert few == many


def test_normalize_query_cleans_and_caps_the_query():
    assert normalize_query("  a\x00b \t c\n") == "a b c"
    assert normalize_query(None) == ""
    assert len(normalize_query("y" * 5000)) == MAX_QUERY_LENGTH


def test_search_posts_returns_nothing_for_an_empty_query(db):
    assert list(search_posts("   ")) == []


def test_add_snippets_gives_each_result_safe_html(author):
    PostFactory(author=author, teaser="", body="Before <b> daclizumab & after")

    posts = list(search_posts("daclizumab"))
    add_snippets(posts, "daclizumab")

    snippet = str(posts[0].snippet)
    assert "<mark>daclizumab</mark>" in snippet
    assert "<b>" not in snippet
    assert "&amp;" in snippet
