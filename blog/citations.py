"""A cited paper in the formats reference managers read: RIS, BibTeX and COinS.

Pure functions of a Paper. Those that include the abstract read
`paper.abstract_sections.all()`, which runs a query unless it was prefetched.
"""

import re
from urllib.parse import quote, urlencode

from django.utils.text import slugify

from blog.models import Paper

RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"
BIBTEX_CONTENT_TYPE = "application/x-bibtex; charset=utf-8"

ET_AL = "et al."

# A Vancouver name: surname, then up to four capital initials without periods ("Cree BAC").
_VANCOUVER_NAME = re.compile(r"^(?P<surname>.+?)\s+(?P<initials>[A-Z]{1,4})$")
# A page range with a hyphen or an en dash: "123-130", "123\u2013130".
_PAGE_RANGE = re.compile(r"^(?P<first>[^-\u2013]+?)\s*[-\u2013]+\s*(?P<last>[^-\u2013]+)$")
# The characters BibTeX treats specially, and how to write each as text.
_BIBTEX_ESCAPES = {
    ord("\\"): r"\textbackslash{}",
    ord("{"): r"\{",
    ord("}"): r"\}",
    ord("&"): r"\&",
    ord("%"): r"\%",
    ord("$"): r"\$",
    ord("#"): r"\#",
    ord("_"): r"\_",
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
}


def author_names(paper: Paper) -> list[str]:
    """Return the authors one name each, as written: `Gelfand JM, Cree BA.` gives two.

    A closing `et al.` stays with the name before it (`Gelfand et al.`).
    """
    text = paper.authors.strip()
    if not text.endswith(ET_AL):
        text = text.removesuffix(".")
    names: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        if name.rstrip(".").lower() == ET_AL.rstrip(".") and names:
            names[-1] = f"{names[-1]} {ET_AL}"
        else:
            names.append(name)
    return names


def _inverted(name: str) -> str:
    """Return a Vancouver name as `Surname, Initials` (`Cree, BA`); others as written."""
    match = _VANCOUVER_NAME.match(name)
    return f"{match['surname']}, {match['initials']}" if match else name


def partial_iso_date(paper: Paper) -> str:
    """Return the publication date only as precisely as the citation gives it: `2014-10`."""
    date = paper.published_on
    if paper.date_precision == Paper.DatePrecision.YEAR:
        return f"{date:%Y}"
    if paper.date_precision == Paper.DatePrecision.MONTH:
        return f"{date:%Y-%m}"
    return date.isoformat()


def abstract_text(paper: Paper) -> str:
    """Return the abstract on one line, each section after its label: `RESULTS: …`."""
    sections = []
    for section in paper.abstract_sections.all():
        text = " ".join(section.text.split())
        sections.append(f"{section.label}: {text}" if section.label else text)
    return " ".join(sections)


def _page_range(paper: Paper) -> tuple[str, str]:
    """Return the first and last page; the last is blank for an article number (`e34`)."""
    match = _PAGE_RANGE.match(paper.pages)
    return (match["first"], match["last"]) if match else (paper.pages, "")


def citation_key(paper: Paper) -> str:
    """Return a BibTeX key and file name stem: the first author's surname and the year."""
    names = author_names(paper)
    first_word = names[0].split()[0] if names else ""
    surname = slugify(first_word).replace("-", "").capitalize() or "Paper"
    return f"{surname}{paper.published_on.year}"


def download_filename(paper: Paper, extension: str) -> str:
    return f"{citation_key(paper).lower()}.{extension}"


# RIS


def ris(paper: Paper) -> str:
    """Return the paper as an RIS record (a journal article), lines ending in CRLF."""
    first_page, last_page = _page_range(paper)
    date = paper.published_on
    fields = [("TY", "JOUR")]
    fields += [("AU", _inverted(name)) for name in author_names(paper)]
    fields += [
        ("TI", paper.title),
        ("JO", paper.journal),
        ("PY", f"{date.year}"),
    ]
    if paper.date_precision == Paper.DatePrecision.DAY:
        fields.append(("DA", f"{date:%Y/%m/%d}"))
    elif paper.date_precision == Paper.DatePrecision.MONTH:
        fields.append(("DA", f"{date:%Y/%m}"))
    fields += [
        ("VL", paper.volume),
        ("IS", paper.issue),
        ("SP", first_page),
        ("EP", last_page),
        ("DO", paper.doi),
        ("AN", paper.pmid),
        ("UR", paper.doi_url or paper.pubmed_url),
        ("AB", abstract_text(paper)),
        ("N1", "Epub ahead of print" if paper.epub_ahead_of_print else ""),
    ]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in fields if value]
    lines.append("ER  - ")
    return "".join(f"{line}\r\n" for line in lines)


# BibTeX


def bibtex_escape(value: str) -> str:
    """Return text with BibTeX's special characters written as literal characters."""
    return " ".join(value.split()).translate(_BIBTEX_ESCAPES)


def _bibtex_name(name: str) -> str:
    """Return a name as BibTeX reads it: `Cree BA` becomes `Cree, B. A.`."""
    match = _VANCOUVER_NAME.match(name)
    if not match:
        return bibtex_escape(name)
    initials = " ".join(f"{initial}." for initial in match["initials"])
    return f"{bibtex_escape(match['surname'])}, {initials}"


def _bibtex_authors(paper: Paper) -> str:
    """Join the names with `and`; BibTeX writes `et al.` as a last author `others`."""
    names = []
    for name in author_names(paper):
        if name.endswith(f" {ET_AL}"):
            names += [_bibtex_name(name.removesuffix(f" {ET_AL}")), "others"]
        else:
            names.append(_bibtex_name(name))
    return " and ".join(names)


def bibtex(paper: Paper) -> str:
    """Return the paper as a BibTeX @article entry.

    The title is double-braced so styles keep its capitals (CNS, NMO) as written.
    """
    first_page, last_page = _page_range(paper)
    values = [
        ("author", _bibtex_authors(paper)),
        ("title", f"{{{bibtex_escape(paper.title)}}}"),
        ("journal", bibtex_escape(paper.journal)),
        ("year", f"{paper.published_on.year}"),
    ]
    fields = [(name, f"{{{value}}}") for name, value in values]
    if paper.date_precision != Paper.DatePrecision.YEAR:
        # A month macro, unbraced, so styles can name the month in their own language.
        # %b is English, as in Paper.citation_date: Django leaves the C locale alone.
        fields.append(("month", f"{paper.published_on:%b}".lower()))
    pages = f"{first_page}--{last_page}" if last_page else first_page
    optional = [
        ("volume", paper.volume),
        ("number", paper.issue),
        ("pages", pages),
        ("doi", paper.doi),
        ("pmid", paper.pmid),
        ("abstract", abstract_text(paper)),
        ("note", "Epub ahead of print" if paper.epub_ahead_of_print else ""),
    ]
    fields += [(name, f"{{{bibtex_escape(value)}}}") for name, value in optional if value]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@article{{{citation_key(paper)},\n{body}\n}}\n"


# COinS


def coins(paper: Paper) -> str:
    """Return the OpenURL (Z39.88-2004 KEV) for the title of a COinS <span class="Z3988">.

    The value is URL-encoded; the template HTML-escapes it as it does any attribute.
    """
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "article"),
        ("rft.atitle", paper.title),
        ("rft.jtitle", paper.journal),
        ("rft.date", partial_iso_date(paper)),
        ("rft.volume", paper.volume),
        ("rft.issue", paper.issue),
        ("rft.pages", paper.pages),
    ]
    pairs += [("rft.au", _inverted(name)) for name in author_names(paper)]
    if paper.doi:
        pairs.append(("rft_id", f"info:doi/{paper.doi}"))
    if paper.pmid:
        pairs.append(("rft_id", f"info:pmid/{paper.pmid}"))
    # ":" and "/" may stand unencoded in a query string and keep the identifiers readable.
    return urlencode([(key, value) for key, value in pairs if value], quote_via=quote, safe=":/")
