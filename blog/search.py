"""Search over published posts: title, teaser, body and the papers they cite (title,
authors, journal).

PostgreSQL uses its full-text search (stemmed English, ranked, highlighted by
`ts_headline`); SQLite, used in development, falls back to matching every word of the
query with `icontains`, newest first, and highlights in Python. Both return posts ready
for the list of results (`for_listing()`), each given a `snippet` by `add_snippets()`.
"""

import html
import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import (
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from blog.markup import post_body_text
from blog.models import Citation, Post
from blog.papers.search import MAX_PAPERS, paper_matches, search_papers

__all__ = ["MAX_PAPERS", "add_snippets", "normalize_query", "search_papers", "search_posts"]

# A query longer than this is cut: nobody types more, and it bounds the work per request.
MAX_QUERY_LENGTH = 200
# The SQLite fallback matches at most this many words (each one is a LIKE over four fields).
MAX_FALLBACK_TERMS = 8
SNIPPET_WORDS = 35
SEARCH_CONFIG = "english"

# Highlight markers the database and the fallback put around matches. They are private-use
# characters stripped from the text first, so after escaping the snippet they can only be
# ours and become the only HTML in it: <mark> and </mark>.
_START, _STOP = "\ue000", "\ue001"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
# A tag of the stored body HTML. Its attribute values are double-quoted; nh3 escapes any
# `>` in them, but valid HTML need not, so the pattern does not rely on it.
_HTML_TAG = r'<("[^"]*"|[^">])*>'


def normalize_query(raw: str | None) -> str:
    """Return the query as searched: no control characters, single spaces, at most 200 chars.

    PostgreSQL refuses NUL characters in strings, so they must never reach it.
    """
    text = _CONTROL_CHARACTERS.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def search_posts(query: str) -> QuerySet[Post]:
    """Return the published posts matching the query, best first (newest first on SQLite).

    An empty query matches nothing. Runs no query until evaluated.
    """
    query = normalize_query(query)
    if not query:
        return Post.objects.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(query)
    return _search_fallback(query)


def _paper_titles():
    """The titles, authors and journals of the papers a post cites, as one string (a
    subquery per post)."""
    paper_text = Concat(
        "paper__title",
        Value(" "),
        "paper__authors",
        Value(" "),
        "paper__journal",
        output_field=TextField(),
    )
    return Subquery(
        Citation.objects.filter(post=OuterRef("pk"))
        .values("post")
        .annotate(titles=StringAgg(paper_text, delimiter=Value(" ")))
        .values("titles")
    )


def _search_postgresql(query: str) -> QuerySet[Post]:
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
    )

    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("teaser", weight="B", config=SEARCH_CONFIG)
        + SearchVector(_paper_titles(), weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )
    # websearch_to_tsquery accepts any input (quotes, or, -word) and never raises a
    # syntax error, unlike to_tsquery, so readers' punctuation is harmless.
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        Post.objects.published()
        .alias(search=vector)
        .filter(search=search_query)
        .for_listing()
        .annotate(
            rank=SearchRank(vector, search_query),
            snippet_source=SearchHeadline(
                _without_markers(_snippet_text()),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _snippet_text():
    """The teaser and the body as readers read them, as HTML text: `body_html` without its
    tags (no Markdown syntax), after the teaser with its `&` escaped to match.

    `add_snippets` turns the character references back into text.
    """
    teaser = Replace("teaser", Value("&"), Value("&amp;"), output_field=TextField())
    body = Func(
        F("body_html"),
        Value(_HTML_TAG),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Concat(teaser, Value("\n"), body, output_field=TextField())


def _without_markers(expression):
    return Replace(Replace(expression, Value(_START), Value("")), Value(_STOP), Value(""))


def _terms(query: str) -> list[str]:
    return list(dict.fromkeys(query.split()))[:MAX_FALLBACK_TERMS]


def _search_fallback(query: str) -> QuerySet[Post]:
    matches = Q()
    for term in _terms(query):
        cited = Citation.objects.filter(paper_matches(term, "paper__")).values("post")
        matches &= (
            Q(title__icontains=term)
            | Q(teaser__icontains=term)
            | Q(body__icontains=term)
            | Q(pk__in=cited)
        )
    return Post.objects.published().filter(matches).for_listing().order_by("-published_at", "-pk")


def add_snippets(posts: Iterable[Post], query: str) -> None:
    """Give each post of a page of results a `snippet`: safe HTML with matches in <mark>."""
    query = normalize_query(query)
    postgresql = connection.vendor == "postgresql"
    for post in posts:
        if postgresql:
            # ts_headline keeps a character reference whole (one token), and none in the
            # stored HTML stands for one of our markers, so unescaping leaves them ours.
            marked = html.unescape(post.snippet_source)
        else:
            body = post_body_text(post.body, post.body_format)
            marked = _fallback_snippet(f"{post.teaser}\n{body}", _terms(query))
        post.snippet = _to_html(marked)


def _fallback_snippet(text: str, terms: list[str]) -> str:
    """Return the words around the first match in text, with markers around every match."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", text).split())
    if not terms:
        return Truncator(text).words(SNIPPET_WORDS)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:  # matched on the title or a cited paper: show the start
        return Truncator(text).words(SNIPPET_WORDS)
    # Start a few words before the first match, on a word boundary.
    before = text[: first.start()].split(" ")
    lead = before[-8:] if len(before) > 8 else before
    start = first.start() - len(" ".join(lead))
    words = text[start:].split(" ")
    excerpt = " ".join(words[:SNIPPET_WORDS])
    if start > 0:
        excerpt = "… " + excerpt
    if len(words) > SNIPPET_WORDS:
        excerpt += " …"
    return pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)


def _to_html(marked: str) -> SafeString:
    """Escape the snippet, then turn our markers, and only them, into <mark> elements."""
    html = escape(marked or "").replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # everything but our own markers is escaped
