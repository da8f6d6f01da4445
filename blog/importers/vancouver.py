"""Read a Vancouver-style citation: `Gelfand et al. Title. Journal. 2014 Oct 9;1(3):e34.`"""

import datetime
import re

from blog.importers.document import ImportFormatError, ParsedPaper
from blog.importers.lines import NBSP, SPACES

MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}

CITATION = re.compile(
    r"""^
    (?P<epub_prefix>Epub\s*:\s*)?
    (?P<authors>[^.]+?\bet\ al\.|[^.]+?\.)\s*
    (?P<title>.+?[.?!])\s*
    (?P<journal>[A-Z][^.;:]*?)\.\s*
    (?P<year>(?:18|19|20)\d\d)
    (?:\s+(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:\s+(?P<day>\d{1,2}))?)?
    (?:;(?P<volume>[^(:;.\s]+)?(?:\((?P<issue>[^)]+)\))?(?::(?P<pages>[^;\s]+?))?)?
    \.?
    (?:\s*pii\s*:\s*\S+?\.)?
    (?:\s*doi\s*:\s*(?P<doi>10\.\d{4,9}/\S+?))?\.?
    (?:\s*\[?(?P<epub_suffix>Epub\ ahead\ of\ print)\]?\.?)?
    (?:\s*PMID\s*:\s*(?P<pmid>\d{1,10})\.?)?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def parse_citation(text: str, line: int) -> ParsedPaper | None:
    """Parse a Vancouver-style citation paragraph; return None if it is not one."""
    # Match on a copy with U+00A0 as a space; the spans are the same in the original.
    match = CITATION.match(text.replace(NBSP, " "))
    if not match:
        return None

    def group(name: str) -> str:
        start, end = match.span(name)
        return text[start:end].strip(SPACES) if start >= 0 else ""

    year = int(match["year"])
    month = MONTHS[match["month"].title()] if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    try:
        published_on = datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise ImportFormatError(
            f"the citation's date {year} {match['month']} {day} does not exist", line
        ) from None
    title = group("title")
    return ParsedPaper(
        authors=group("authors"),
        title=title.removesuffix("."),
        journal=group("journal"),
        published_on=published_on,
        date_precision="day" if day else "month" if month else "year",
        volume=group("volume"),
        issue=group("issue"),
        pages=group("pages"),
        doi=group("doi"),
        pmid=group("pmid"),
        epub_ahead_of_print=bool(match["epub_prefix"] or match["epub_suffix"]),
        abstract=(),
        line=line,
    )
