"""Read a pasted citation into a paper's fields (pure: no database).

Accepts a Vancouver line as the blog writes it, PubMed's "Summary (text)" and "Abstract
(text)" formats (a structured abstract split into its labelled sections), an RIS or BibTeX
entry, or one DOI, PMID, PMCID or address. Raises PasteError saying which part could not
be read.
"""

import datetime
import re
from dataclasses import dataclass, field

import bibtexparser
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from django.core.exceptions import ValidationError

from blog.papers import identifiers, names, pages

MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}
# "Journal. 2014 Oct 9;1(3):e34." — the journal, the date and the volume, issue and pages.
SOURCE = re.compile(
    r"(?P<journal>[A-Z][^.;:]*?)\.\s*"
    r"(?P<date>(?:18|19|20)\d\d(?:\s+[A-Za-z]{3,9}(?:[-/][A-Za-z]{3})?(?:\s+\d{1,2}(?:-\d{1,2})?)?)?)"
    r"(?:\s*;\s*(?P<locator>[^\s.;]*(?:\([^)]*\))?(?::[^\s;]*?)?))?"
    r"\.(?=\s|$)"
)
_DATE = re.compile(
    r"^(?P<year>\d{4})(?:\s+(?P<month>[A-Za-z]{3,9})(?:[-/][A-Za-z]{3})?"
    r"(?:\s+(?P<day>\d{1,2})(?:-\d{1,2})?)?)?$"
)
_LOCATOR = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+))?$")
_AUTHORS = re.compile(r"^(?P<authors>[^.]+?(?:,?\s+et\s+al\.|\.))\s+")
_NUMBERING = re.compile(r"^\d{1,4}[.:]\s+")
# What PubMed and the blog write after the source: identifiers and notes.
_TAIL = re.compile(
    r"\s*(?:"
    r"doi\s*:\s*(?P<doi>10\.\S+?)\.?(?=\s|$)"
    r"|PMID\s*:\s*(?P<pmid>\d+)[.;]?"
    r"|PMCID\s*:\s*(?P<pmcid>PMC\d+)[.;]?"
    r"|\[?(?P<epub>Epub ahead of print)\]?\.?"
    r"|Epub\s+\d{4}(?:\s+[A-Z][a-z]{2})?(?:\s+\d{1,2})?\.?"
    r"|eCollection\s+\d{4}(?:\s+[A-Z][a-z]{2})?(?:\s+\d{1,2})?\.?"
    r"|pii\s*:\s*\S+?\.(?=\s|$)"
    r"|Review\.|Free PMC article\.|NIHMSID\s*:\s*\S+?[.;]?"
    r")",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z0-9 ,&/()'-]{1,58}):\s+(?P<text>\S.*)$", re.DOTALL)
_AFFILIATION_MARK = re.compile(r"\(\d+(?:,\s*\d+)*\)")
_PUBMED_TRAILER = ("DOI:", "PMID:", "PMCID:", "Copyright", "©", "Conflict of interest")


class PasteError(ValueError):
    """The pasted text, or the named part of it, could not be read."""


@dataclass
class PastedPaper:
    fields: dict
    abstract: list[tuple[str, str]] = field(default_factory=list)
    kind: str = ""


def parse_pasted(text: str) -> PastedPaper:
    """Read a pasted citation of any accepted kind."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip()
    if not text:
        raise PasteError("Paste a citation, an RIS or BibTeX entry, a DOI or a PMID.")
    if found := identifiers.identifier_kind(text):
        kind, value = found
        return PastedPaper({kind: value}, kind=kind)
    if text.startswith("TY  -"):
        return parse_ris(text)
    if text.startswith("@"):
        return parse_bibtex(text)
    if "\n\n" in text.strip() and re.match(r"^\d{1,4}\.\s+[A-Z][^.]*\.\s*(?:18|19|20)\d\d", text):
        return parse_pubmed_abstract(text)
    return parse_citation_line(text)


def parse_date(text: str) -> tuple[datetime.date, str]:
    match = _DATE.match(text.strip())
    month_name = (match["month"] or "")[:3].title() if match else ""
    if not match or (month_name and month_name not in MONTHS):
        raise PasteError(f"Could not read the date “{text.strip()}”: expected e.g. 2014 Oct 9.")
    month = MONTHS.get(month_name)
    day = int(match["day"]) if match["day"] and month else None
    try:
        date = datetime.date(int(match["year"]), month or 1, day or 1)
    except ValueError:
        raise PasteError(f"The date “{text.strip()}” does not exist.") from None
    return date, "day" if day else "month" if month else "year"


def _source_fields(match: re.Match) -> dict:
    published_on, precision = parse_date(match["date"])
    locator = _LOCATOR.match(match["locator"] or "")
    first, last = _pages(locator["pages"] or "")
    return {
        "journal": match["journal"].strip(),
        "published_on": published_on,
        "date_precision": precision,
        "volume": (locator["volume"] or "").strip(),
        "issue": (locator["issue"] or "").strip(),
        "first_page": first,
        "last_page": last,
    }


def _pages(text: str) -> tuple[str, str]:
    try:
        return pages.parse_pages(text)
    except ValidationError:
        raise PasteError(f"Could not read the pages “{text}”: expected e.g. 1605-17.") from None


def _tail_fields(text: str) -> dict:
    """Read the identifiers and notes after the source; name anything else left over."""
    found: dict = {"epub_ahead_of_print": False}
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TAIL.match(text, position)
        if not match or match.end() == position:
            rest = text[position:].strip()
            raise PasteError(f"Could not read “{rest[:60]}” after the journal and date.")
        for name in ("doi", "pmid", "pmcid"):
            if match[name]:
                found[name] = match[name]
        found["epub_ahead_of_print"] |= bool(match["epub"])
        position = match.end()
    return found


def _authors(text: str) -> dict:
    try:
        parsed = names.parse_vancouver_authors(text.replace(";", ","))
    except ValidationError:
        raise PasteError(f"Could not read the authors “{text}”.") from None
    return {"author_list": parsed.people, "authors_et_al": parsed.et_al}


def parse_citation_line(text: str) -> PastedPaper:
    """Read a Vancouver line or PubMed "Summary (text)": authors, title, source, identifiers."""
    line = _NUMBERING.sub("", " ".join(text.split()))
    epub_prefix = bool(re.match(r"^Epub\s*:\s*", line))
    line = re.sub(r"^Epub\s*:\s*", "", line)
    authors = _AUTHORS.match(line)
    if not authors:
        raise PasteError(
            "Could not read the authors at the start: expected names ending in a full stop "
            "(Smith J, Jones K.) or in et al."
        )
    rest = line[authors.end() :]
    for source in SOURCE.finditer(rest):
        title = rest[: source.start()].strip()
        if title and title[-1] in ".?!":
            break
    else:
        raise PasteError(
            "Could not read the title, journal and date after the authors: expected "
            "“Title. Journal. 2014 Oct 9;1(3):e34.”"
        )
    fields = {
        **_authors(authors["authors"]),
        "title": title.removesuffix("."),
        **_source_fields(source),
        **_tail_fields(rest[source.end() :]),
    }
    fields["epub_ahead_of_print"] |= epub_prefix
    return checked(PastedPaper(fields, kind="citation"))


def parse_pubmed_abstract(text: str) -> PastedPaper:
    """Read PubMed's "Abstract (text)": source, title, authors, labelled abstract, IDs."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paragraphs) < 3:
        raise PasteError("Could not read the PubMed abstract: no title and authors after it.")
    head = _NUMBERING.sub("", paragraphs[0])
    source = SOURCE.match(head)
    if not source:
        raise PasteError(f"Could not read the journal and date in “{head[:60]}”.")
    fields = {"title": paragraphs[1].removesuffix("."), **_source_fields(source)}
    fields.update(_tail_fields(head[source.end() :]))
    fields.update(_authors(_AFFILIATION_MARK.sub("", paragraphs[2])))
    abstract: list[tuple[str, str]] = []
    for paragraph in paragraphs[3:]:
        if paragraph.startswith(("Author information:", "Collaborators:")):
            continue
        if paragraph.startswith(_PUBMED_TRAILER):
            for name, pattern in (
                ("doi", r"DOI:\s*(10\.\S+)"),
                ("pmcid", r"PMCID:\s*(PMC\d+)"),
                ("pmid", r"PMID:\s*(\d+)"),
            ):
                if found := re.search(pattern, paragraph):
                    fields[name] = found[1]
            continue
        if label := _LABEL.match(paragraph):
            abstract.append((label["label"].strip(), label["text"].strip()))
        else:
            abstract.append(("", paragraph))
    return checked(PastedPaper(fields, abstract, kind="pubmed-abstract"))


def parse_ris(text: str) -> PastedPaper:
    """Read the first record of an RIS entry."""
    try:
        entries = rispy.loads(text)
    except Exception as error:  # rispy raises plain IOError/ValueError subclasses
        raise PasteError(f"Could not read the RIS entry: {error}") from None
    if not entries:
        raise PasteError("Could not read the RIS entry: no record ends in ER  -.")
    entry = entries[0]
    people = [_person_from_inverted(name) for name in entry.get("authors", [])]
    fields: dict = {"author_list": people, "authors_et_al": False}
    fields["title"] = entry.get("title") or entry.get("primary_title") or ""
    fields["journal"] = (
        entry.get("alternate_title3")
        or entry.get("journal_name")
        or entry.get("secondary_title")
        or ""
    )
    fields.update(_ris_date(entry))
    first, last = entry.get("start_page", ""), entry.get("end_page", "")
    if first and last:
        first, last = pages.parse_pages(f"{first}-{last}")
    fields.update(
        volume=entry.get("volume", ""),
        issue=entry.get("number", ""),
        first_page=first,
        last_page=last,
    )
    for name, value in (
        ("doi", entry.get("doi", "")),
        ("pmid", entry.get("accession_number", "")),
        ("pmcid", entry.get("custom2", "")),
    ):
        if value:
            fields[name] = value
    abstract = [("", entry["abstract"])] if entry.get("abstract") else []
    return checked(PastedPaper(fields, abstract, kind="ris"))


def _ris_date(entry: dict) -> dict:
    parts = [p for p in re.split(r"[/-]", entry.get("date") or entry.get("year") or "") if p]
    if not parts or not parts[0].isdigit():
        raise PasteError("Could not read the RIS entry's year (PY or DA).")
    numbers = [int(part) for part in parts[:3] if part.isdigit()]
    try:
        month, day = [*numbers[1:], 1, 1][:2]
        date = datetime.date(numbers[0], month, day)
    except ValueError:
        raise PasteError(f"The RIS entry's date {'/'.join(parts)} does not exist.") from None
    return {"published_on": date, "date_precision": ["year", "month", "day"][len(numbers) - 1]}


def _person_from_inverted(name: str) -> dict:
    family, _, given = (part.strip() for part in name.partition(","))
    if not given:
        return names.person_from_vancouver(family)
    return {"family": family, "given": given}


def parse_bibtex(text: str) -> PastedPaper:
    """Read the first entry of a BibTeX paste."""
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    if not library.entries:
        problem = library.failed_blocks[0].error if library.failed_blocks else "no @entry"
        raise PasteError(f"Could not read the BibTeX entry: {problem}.")
    entry = library.entries[0]

    def value(name: str) -> str:
        found = entry.fields_dict.get(name)
        return " ".join(str(found.value).replace("{", "").replace("}", "").split()) if found else ""

    people, et_al = [], False
    for person in entry.fields_dict["author"].value if "author" in entry.fields_dict else []:
        family = " ".join(person.von + person.last).replace("{", "").replace("}", "")
        if family == "others":
            et_al = True
        elif person.first:
            people.append({"family": family, "given": " ".join(person.first)})
        else:
            people.append(names.person_from_vancouver(family))
    if not value("year").isdigit():
        raise PasteError("Could not read the BibTeX entry's year.")
    month = MONTHS.get(value("month")[:3].title())
    first, last = _pages(value("pages").replace("--", "-"))
    fields = {
        "author_list": people,
        "authors_et_al": et_al,
        "title": value("title"),
        "journal": value("journal"),
        "published_on": datetime.date(int(value("year")), month or 1, 1),
        "date_precision": "month" if month else "year",
        "volume": value("volume"),
        "issue": value("number"),
        "first_page": first,
        "last_page": last,
    }
    fields.update({name: value(name) for name in ("doi", "pmid", "pmcid") if value(name)})
    abstract = [("", value("abstract"))] if value("abstract") else []
    return checked(PastedPaper(fields, abstract, kind="bibtex"))


def checked(pasted: PastedPaper) -> PastedPaper:
    """Normalise the identifiers and refuse a record without its essential parts."""
    fields = pasted.fields
    for name, normalise in (
        ("doi", identifiers.normalise_doi),
        ("pmid", identifiers.normalise_pmid),
        ("pmcid", identifiers.normalise_pmcid),
    ):
        if fields.get(name):
            try:
                fields[name] = normalise(fields[name])
            except ValidationError:
                raise PasteError(f"Could not read the {name.upper()} “{fields[name]}”.") from None
    for name, label in (("author_list", "authors"), ("title", "title"), ("journal", "journal")):
        if not fields.get(name):
            raise PasteError(f"Could not find the {label} in the pasted {pasted.kind}.")
    return pasted
