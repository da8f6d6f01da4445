"""Look a paper up by PMID (PubMed E-utilities efetch) or DOI (Crossref works).

A small client: a timeout on every request, a User-Agent naming the site and a contact
address (`PAPER_LOOKUP_CONTACT`), answers cached (`PAPER_LOOKUP_CACHE_SECONDS`), and
LookupFailed with a message an editor can act on when the service cannot be reached,
answers with an error or answers something that cannot be read.
"""

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from blog.papers import identifiers
from blog.papers.paste import PastedPaper, PasteError
from blog.papers.records import RecordError, crossref_record, pubmed_record

# An answer bigger than this is not a single record.
MAX_ANSWER_BYTES = 2_000_000


class LookupFailed(Exception):
    """The record could not be fetched or read; the message says why, for the editor."""


def user_agent() -> str:
    return f"msblog/0.1 (+{settings.SITE_URL}; mailto:{settings.PAPER_LOOKUP_CONTACT})"


def look_up(*, doi: str = "", pmid: str = "") -> PastedPaper:
    """Fetch the record for a PMID from PubMed, or for a DOI from Crossref (also when
    PubMed fails and both are known)."""
    try:
        pmid = identifiers.normalise_pmid(pmid)
        doi = identifiers.normalise_doi(doi)
    except ValidationError as error:
        raise LookupFailed(" ".join(error.messages)) from None
    if not pmid and not doi:
        raise LookupFailed("Enter a PMID or a DOI to look up.")
    if not pmid:
        return fetch_crossref(doi)
    try:
        return fetch_pubmed(pmid)
    except LookupFailed as pubmed_failure:
        if not doi:
            raise
        try:  # Crossref knows the paper by its DOI, with less (no PMID, rarely an abstract)
            return fetch_crossref(doi)
        except LookupFailed as crossref_failure:
            raise LookupFailed(f"{pubmed_failure} {crossref_failure}") from None


def fetch_pubmed(pmid: str) -> PastedPaper:
    """Fetch and read a PubMed record (efetch, XML)."""
    query = urllib.parse.urlencode(
        {
            "db": "pubmed",
            "id": pmid,
            "retmode": "xml",
            "tool": "msblog",
            "email": settings.PAPER_LOOKUP_CONTACT,
        }
    )
    data = _get("PubMed", f"{settings.PUBMED_EFETCH_URL}?{query}")
    try:
        return pubmed_record(data)
    except RecordError as error:
        if b"<PubmedArticleSet" in data and b"<PubmedArticle>" not in data:
            raise LookupFailed(f"PubMed has no record for PMID {pmid}.") from None
        raise LookupFailed(f"PubMed's answer could not be read: {error}.") from None
    except PasteError as error:
        raise LookupFailed(f"PubMed's record is incomplete: {error}") from None


def fetch_crossref(doi: str) -> PastedPaper:
    """Fetch and read a Crossref work (api.crossref.org/works/DOI, JSON)."""
    url = settings.CROSSREF_WORKS_URL + urllib.parse.quote(doi, safe="/()")
    data = _get("Crossref", url, not_found=f"Crossref has no record for DOI {doi}.")
    try:
        return crossref_record(json.loads(data))
    except PasteError as error:
        raise LookupFailed(f"Crossref's record is incomplete: {error}") from None
    except (ValueError, RecordError) as error:  # not JSON, or not a work
        raise LookupFailed(f"Crossref's answer could not be read: {error}.") from None


def _get(service: str, url: str, *, not_found: str = "") -> bytes:
    """Return the body at `url`, from the cache when it was fetched before."""
    key = f"paper-lookup:{hashlib.sha256(url.encode()).hexdigest()}"
    if (cached := cache.get(key)) is not None:
        return cached
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent(), "Accept": "application/json, text/xml"}
    )
    timeout = settings.PAPER_LOOKUP_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404 and not_found:
            raise LookupFailed(not_found) from None
        raise LookupFailed(
            f"{service} answered with an error ({error.code} {error.reason})."
        ) from None
    except TimeoutError:
        raise LookupFailed(f"{service} did not answer within {timeout} s.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise LookupFailed(f"{service} could not be reached ({reason}).") from None
    if len(data) > MAX_ANSWER_BYTES:
        raise LookupFailed(f"{service}'s answer is too large to be one record.")
    cache.set(key, data, settings.PAPER_LOOKUP_CACHE_SECONDS)
    return data
