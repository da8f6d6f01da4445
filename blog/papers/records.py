"""Read a PubMed efetch XML answer or a Crossref works JSON answer into a paper's fields.

Pure: bytes or dicts in, a PastedPaper out (the same shape the paste box gives), or
RecordError saying what could not be read.
"""

import datetime
import html
import re

from django.core.exceptions import ValidationError
from lxml import etree

from blog.papers import pages
from blog.papers.paste import MONTHS, PastedPaper, checked, parse_date

# No entities, no network, no huge trees: the answer comes from outside.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
)


class RecordError(ValueError):
    """The answer is not a record that can be read."""


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def pubmed_record(data: bytes) -> PastedPaper:
    """Read the first PubmedArticle of an efetch answer (`db=pubmed&retmode=xml`)."""
    try:
        root = etree.fromstring(data, _XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise RecordError(f"the answer is not well-formed XML ({error.msg})") from None
    article = root.find(".//PubmedArticle")
    if article is None:
        raise RecordError("the answer holds no PubMed article")
    citation = article.find("MedlineCitation")
    body = citation.find("Article")
    if body is None:
        raise RecordError("the PubMed article has no Article element")
    issue = body.find("Journal/JournalIssue")
    published_on, precision = _pubmed_date(issue.find("PubDate") if issue is not None else None)
    author_list = body.find("AuthorList")
    first, last = _pubmed_pages(body)
    fields = {
        "author_list": [_pubmed_person(author) for author in body.findall("AuthorList/Author")],
        "authors_et_al": author_list is not None and author_list.get("CompleteYN") == "N",
        "title": _text(body.find("ArticleTitle")).removesuffix("."),
        "journal": _text(citation.find("MedlineJournalInfo/MedlineTA"))
        or _text(body.find("Journal/ISOAbbreviation")).replace(".", ""),
        "published_on": published_on,
        "date_precision": precision,
        "volume": _text(issue.find("Volume")) if issue is not None else "",
        "issue": _text(issue.find("Issue")) if issue is not None else "",
        "first_page": first,
        "last_page": last,
        "pmid": _text(citation.find("PMID")),
    }
    for article_id in article.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = {"doi": "doi", "pmc": "pmcid"}.get(article_id.get("IdType", ""))
        if kind:
            fields[kind] = _text(article_id)
    if "doi" not in fields:
        for location in body.findall("ELocationID[@EIdType='doi']"):
            fields["doi"] = _text(location)
    abstract = [
        (section.get("Label", "").strip(), _text(section))
        for section in body.findall("Abstract/AbstractText")
        if _text(section)
    ]
    return checked(PastedPaper(fields, abstract, kind="PubMed"))


def _pubmed_person(author) -> dict:
    if (collective := author.find("CollectiveName")) is not None:
        return {"literal": _text(collective)}
    family = _text(author.find("LastName"))
    given = _text(author.find("ForeName")) or _text(author.find("Initials"))
    return {"family": family, "given": given} if given else {"family": family}


def _pubmed_date(pub_date) -> tuple[datetime.date, str]:
    if pub_date is None:
        raise RecordError("the PubMed article has no publication date")
    if (medline := pub_date.find("MedlineDate")) is not None:
        return parse_date(re.sub(r"^(\d{4}(?:\s+[A-Za-z]{3})?).*$", r"\1", _text(medline)))
    year, month, day = (_text(pub_date.find(name)) for name in ("Year", "Month", "Day"))
    month = f"{month:0>2}" if month.isdigit() else f"{MONTHS.get(month[:3].title(), 0):02d}"
    text = year + (f" {list(MONTHS)[int(month) - 1]}" if month != "00" else "")
    if day and month != "00":
        text += f" {int(day)}"
    return parse_date(text)


def _pubmed_pages(body) -> tuple[str, str]:
    text = _text(body.find("Pagination/MedlinePgn"))
    if not text:
        start = _text(body.find("Pagination/StartPage"))
        end = _text(body.find("Pagination/EndPage"))
        text = f"{start}-{end}" if start and end else start
    if not text:  # an online-only article: its article number is the pii ELocationID
        text = _text(body.find("ELocationID[@EIdType='pii']"))
    try:
        return pages.parse_pages(text.split(",")[0].split(";")[0])
    except ValidationError:
        return text, ""


def crossref_record(answer: dict) -> PastedPaper:
    """Read a Crossref `works/DOI` answer (`{"status": "ok", "message": {...}}`)."""
    work = answer.get("message") if isinstance(answer, dict) else None
    if not isinstance(work, dict) or answer.get("status") != "ok":
        raise RecordError("the answer holds no Crossref work")
    parts = _crossref_date(work)
    short = work.get("short-container-title") or work.get("container-title") or [""]
    try:
        first, last = pages.parse_pages(work.get("page", "") or "")
    except ValidationError:
        first, last = work.get("page", ""), ""
    fields = {
        "author_list": [_crossref_person(person) for person in work.get("author", [])],
        "authors_et_al": False,
        "title": " ".join(html.unescape(_first(work.get("title"))).split()).removesuffix("."),
        "journal": short[0].replace(".", ""),
        "published_on": datetime.date(*[*parts, 1, 1][:3]),
        "date_precision": ["year", "month", "day"][len(parts) - 1],
        "volume": work.get("volume", ""),
        "issue": work.get("issue", ""),
        "first_page": first or work.get("article-number", ""),
        "last_page": last,
        "doi": work.get("DOI", ""),
    }
    return checked(PastedPaper(fields, _crossref_abstract(work), kind="Crossref"))


def _first(values) -> str:
    return values[0] if isinstance(values, list) and values else ""


def _crossref_person(person: dict) -> dict:
    if "family" not in person:
        return {"literal": person.get("name", "")}
    given = person.get("given", "")
    return {"family": person["family"], "given": given} if given else {"family": person["family"]}


def _crossref_date(work: dict) -> list[int]:
    for name in ("published-print", "issued", "published-online", "published", "created"):
        parts = (work.get(name) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            return [int(part) for part in parts[0][:3]]
    raise RecordError("the Crossref work has no publication date")


def _crossref_abstract(work: dict) -> list[tuple[str, str]]:
    """Read a JATS abstract: labelled `<jats:sec>`s, or its paragraphs as one section."""
    text = work.get("abstract") or ""
    if not text:
        return []
    try:
        root = etree.fromstring(f"<a xmlns:jats='jats'>{text}</a>".encode(), _XML_PARSER)
    except etree.XMLSyntaxError:
        return [("", " ".join(re.sub(r"<[^>]+>", " ", text).split()))]
    sections = []
    for sec in root.iter("{jats}sec"):
        title = sec.find("{jats}title")
        body = " ".join(_text(p) for p in sec.iter("{jats}p"))
        sections.append((_text(title).rstrip(":").upper(), body))
    if sections:
        return sections
    body = " ".join(_text(p) for p in root.iter("{jats}p") if _text(p).lower() != "abstract")
    return [("", body or _text(root))]
