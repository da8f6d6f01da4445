"""Find cited papers by author, journal, title or identifier (the search page's papers).

A query that is one DOI, PMID or PMCID (as pasted: `doi:…`, a PubMed address…) finds
that paper; otherwise every word must appear in the authors, the journal or the title.
Works alike on PostgreSQL and SQLite (case-insensitive `icontains`).
"""

from django.db.models import Q, QuerySet

from blog.papers.identifiers import identifier_kind
from blog.papers.models import Paper

# At most this many papers are listed above the posts: it is a shortcut, not a catalogue.
MAX_PAPERS = 10
MAX_TERMS = 8
IDENTIFIER_LOOKUPS = {"doi": "doi__iexact", "pmid": "pmid", "pmcid": "pmcid"}


def paper_matches(term: str, prefix: str = "") -> Q:
    """Return the condition for one word in a paper's authors, journal or title."""
    return (
        Q(**{f"{prefix}authors__icontains": term})
        | Q(**{f"{prefix}journal__icontains": term})
        | Q(**{f"{prefix}title__icontains": term})
    )


def search_papers(query: str) -> QuerySet[Paper]:
    """Return the papers matching the query, newest first; none for an empty query."""
    query = " ".join(query.split())
    if not query:
        return Paper.objects.none()
    if found := identifier_kind(query):
        kind, value = found
        return Paper.objects.filter(**{IDENTIFIER_LOOKUPS[kind]: value})
    matches = Q()
    for term in list(dict.fromkeys(query.split()))[:MAX_TERMS]:
        matches &= paper_matches(term) | Q(doi__iexact=term)
    return Paper.objects.filter(matches).order_by("-published_on", "title")
