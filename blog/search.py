"""Search over published posts: title, teaser, body and the papers they cite (title,
authors, journal).

PostgreSQL uses its full-text search (stemmed English, ranked, highlighted by
`ts_headline`) over each post's stored, GIN-indexed `search_vector` (kept by triggers:
blog migration 0007), so a search costs the same however many comments the matching
posts have: nothing is joined until the page of results is cut, and then only that page
gets its snippets (`add_snippets()`) and comment counts (`add_comment_counts()`), one
query each. Every search statement runs under `time_limit()` (BLOG_SEARCH_TIMEOUT_MS).
SQLite, used in development, falls back to matching every word of the query with
`icontains`, newest first, and highlights in Python.
"""

import html
import re
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from blog.markup import post_body_text
from blog.models import Citation, Post
from blog.papers.search import MAX_PAPERS, paper_matches, search_papers

__all__ = ["MAX_PAPERS", "add_snippets", "normalize_query", "search_papers", "search_posts"]

try:
    from psycopg.errors import QueryCanceled
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite never raises it
    QueryCanceled = ()

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


def _search_query(query: str):
    from django.contrib.postgres.search import SearchQuery

    # websearch_to_tsquery accepts any input (quotes, or, -word) and never raises a
    # syntax error, unlike to_tsquery, so readers' punctuation is harmless.
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _search_postgresql(query: str) -> QuerySet[Post]:
    from django.contrib.postgres.search import SearchRank

    search_query = _search_query(query)
    return (
        Post.objects.published()
        .filter(search_vector=search_query)
        .listing_rows()
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "-published_at", "-pk")
    )


class SearchTimedOut(Exception):
    """A search statement ran past BLOG_SEARCH_TIMEOUT_MS and was cancelled."""


@contextmanager
def time_limit():
    """Run the searches inside under PostgreSQL's statement_timeout (SearchTimedOut after).

    The limit is local to a transaction, so they run in one; reads inside a transaction
    stay on the primary (config/routers.py). No limit on SQLite (development only).
    """
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)",
                    [f"{settings.BLOG_SEARCH_TIMEOUT_MS}ms"],
                )
            yield
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise SearchTimedOut from error
        raise


def add_comment_counts(posts: Iterable[Post]) -> None:
    """Give each post of a page of results its `comment_count`, in one query for the page."""
    posts = list(posts)
    counts = dict(
        Post.objects.filter(pk__in=[post.pk for post in posts])
        .with_comment_count()
        .values_list("pk", "comment_count")
    )
    for post in posts:
        post.comment_count = counts.get(post.pk, 0)


def _headlines(posts: list[Post], query: str) -> dict[int, str]:
    """Return each post's highlighted snippet from PostgreSQL, in one query for the page."""
    from django.contrib.postgres.search import SearchHeadline

    return dict(
        Post.objects.filter(pk__in=[post.pk for post in posts])
        .annotate(
            snippet_source=SearchHeadline(
                _without_markers(_snippet_text()),
                _search_query(query),
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "snippet_source")
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
    return Post.objects.published().filter(matches).listing_rows().order_by("-published_at", "-pk")


def add_snippets(posts: Iterable[Post], query: str) -> None:
    """Give each post of a page of results a `snippet`: safe HTML with matches in <mark>."""
    query = normalize_query(query)
    posts = list(posts)
    postgresql = connection.vendor == "postgresql"
    headlines = _headlines(posts, query) if postgresql and posts else {}
    for post in posts:
        if postgresql:
            # ts_headline keeps a character reference whole (one token), and none in the
            # stored HTML stands for one of our markers, so unescaping leaves them ours.
            marked = html.unescape(headlines.get(post.pk) or "")
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
