"""A cited paper in the formats reference managers read: RIS, BibTeX and COinS.

Each is written from the paper's CSL-JSON record (`blog.papers.csl.csl_json`), so people,
page ranges and identifiers are read one way for every format. Those that include the
abstract read `paper.abstract_sections.all()`, which runs a query unless it was prefetched.
"""

import json
from urllib.parse import quote, urlencode

from blog.papers.csl import abstract_text, citation_key, csl_json

__all__ = [
    "BIBTEX_CONTENT_TYPE",
    "CSL_JSON_CONTENT_TYPE",
    "RIS_CONTENT_TYPE",
    "abstract_text",
    "bibtex",
    "citation_key",
    "coins",
    "csl_json_text",
    "download_filename",
    "partial_iso_date",
    "ris",
]

RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"
BIBTEX_CONTENT_TYPE = "application/x-bibtex; charset=utf-8"
CSL_JSON_CONTENT_TYPE = "application/vnd.citationstyles.csl+json; charset=utf-8"

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
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def csl_json_text(paper) -> str:
    """Return the paper as a CSL-JSON file: a list holding its one item."""
    return json.dumps([csl_json(paper)], ensure_ascii=False, indent=2) + "\n"


def partial_iso_date(paper) -> str:
    """Return the publication date only as precisely as the citation gives it: `2014-10`."""
    item = csl_json(paper, with_abstract=False)
    return "-".join(f"{part:02d}" for part in item["issued"]["date-parts"][0])


def download_filename(paper, extension: str) -> str:
    return f"{citation_key(paper).lower()}.{extension}"


def _inverted(person: dict) -> str:
    """Return a person as `Family, Given` (`Cree, B. A. C.`); a group by its name."""
    if person.get("literal"):
        return person["literal"]
    return ", ".join(part for part in (person["family"], person.get("given", "")) if part)


def _truncated(item: dict) -> bool:
    return bool(item.get("custom", {}).get("authors-truncated"))


def _first_last(item: dict) -> tuple[str, str]:
    first, _, last = item.get("page", "").partition("-")
    return first, last


# RIS


def ris(paper) -> str:
    """Return the paper as an RIS record (a journal article), lines ending in CRLF."""
    item = csl_json(paper)
    parts = item["issued"]["date-parts"][0]
    first_page, last_page = _first_last(item)
    fields = [("TY", "JOUR")]
    fields += [("AU", _inverted(person)) for person in item["author"]]
    fields += [("TI", item["title"]), ("JO", item["container-title"]), ("PY", f"{parts[0]}")]
    if len(parts) > 1:
        fields.append(("DA", "/".join(f"{part:02d}" for part in parts)))
    fields += [
        ("VL", item.get("volume", "")),
        ("IS", item.get("issue", "")),
        ("SP", first_page),
        ("EP", last_page),
        ("DO", item.get("DOI", "")),
        ("AN", item.get("PMID", "")),
        ("C2", item.get("PMCID", "")),
        ("UR", item.get("URL", "")),
        ("AB", item.get("abstract", "")),
        ("N1", "Epub ahead of print" if item.get("status") else ""),
    ]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in fields if value]
    lines.append("ER  - ")
    return "".join(f"{line}\r\n" for line in lines)


# BibTeX


def bibtex_escape(value: str) -> str:
    """Return text with BibTeX's special characters written as literal characters."""
    return " ".join(value.split()).translate(_BIBTEX_ESCAPES)


def _bibtex_name(person: dict) -> str:
    """Return a person as BibTeX reads one: `Cree, B. A. C.`; a group braced whole."""
    if person.get("literal"):
        return f"{{{bibtex_escape(person['literal'])}}}"
    return bibtex_escape(_inverted(person))


def _bibtex_authors(item: dict) -> str:
    """Join the names with `and`; BibTeX writes a cut list's rest as `others`."""
    names = [_bibtex_name(person) for person in item["author"]]
    if _truncated(item):
        names.append("others")
    return " and ".join(names)


def bibtex(paper) -> str:
    """Return the paper as a BibTeX @article entry.

    The title is double-braced so styles keep its capitals (CNS, NMO) as written.
    """
    item = csl_json(paper)
    parts = item["issued"]["date-parts"][0]
    values = [
        ("author", _bibtex_authors(item)),
        ("title", f"{{{bibtex_escape(item['title'])}}}"),
        ("journal", bibtex_escape(item["container-title"])),
        ("year", f"{parts[0]}"),
    ]
    fields = [(name, f"{{{value}}}") for name, value in values]
    if len(parts) > 1:
        # A month macro, unbraced, so styles can name the month in their own language.
        fields.append(("month", _MONTHS[parts[1] - 1]))
    optional = [
        ("volume", item.get("volume", "")),
        ("number", item.get("issue", "")),
        ("pages", item.get("page", "").replace("-", "--")),
        ("doi", item.get("DOI", "")),
        ("pmid", item.get("PMID", "")),
        ("pmcid", item.get("PMCID", "")),
        ("abstract", item.get("abstract", "")),
        ("note", "Epub ahead of print" if item.get("status") else ""),
    ]
    fields += [(name, f"{{{bibtex_escape(value)}}}") for name, value in optional if value]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@article{{{item['id']},\n{body}\n}}\n"


# COinS


def _coins_authors(people: list[dict]) -> list[tuple[str, str]]:
    """The first author as `rft.aulast`/`rft.aufirst` (or `rft.aucorp`), the rest `rft.au`."""
    if not people:
        return []
    first, rest = people[0], people[1:]
    if first.get("literal"):
        pairs = [("rft.aucorp", first["literal"])]
    else:
        pairs = [("rft.aulast", first["family"]), ("rft.aufirst", first.get("given", ""))]
    return pairs + [("rft.au", _inverted(person)) for person in rest]


def coins(paper) -> str:
    """Return the OpenURL (Z39.88-2004 KEV) for the title of a COinS <span class="Z3988">.

    The value is URL-encoded; the template HTML-escapes it as it does any attribute.
    """
    item = csl_json(paper, with_abstract=False)
    first_page, last_page = _first_last(item)
    pairs = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
        ("rft.genre", "article"),
        ("rft.atitle", item["title"]),
        ("rft.jtitle", item["container-title"]),
        ("rft.date", partial_iso_date(paper)),
        ("rft.volume", item.get("volume", "")),
        ("rft.issue", item.get("issue", "")),
        ("rft.spage", first_page),
        ("rft.epage", last_page),
        ("rft.pages", item.get("page", "")),
        *_coins_authors(item["author"]),
    ]
    if doi := item.get("DOI"):
        pairs.append(("rft_id", f"info:doi/{doi}"))
    if pmid := item.get("PMID"):
        pairs.append(("rft_id", f"info:pmid/{pmid}"))
    # ":" and "/" may stand unencoded in a query string and keep the identifiers readable.
    return urlencode([(key, value) for key, value in pairs if value], quote_via=quote, safe=":/")
