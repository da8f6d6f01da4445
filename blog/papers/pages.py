"""Page ranges: stored as first and last page, or as an article number (`e34`).

NLM abbreviates a range's last page (`1605-17`); exports expand it (1605-1617) and the
Vancouver line keeps the abbreviation.
"""

import re

from django.core.exceptions import ValidationError

_RANGE = re.compile(
    r"^(?P<first>[A-Za-z]*\d+[A-Za-z]*)\s*[-\u2013\u2014]+\s*(?P<last>[A-Za-z]*\d+)$"
)
_SPLIT_NUMBER = re.compile(r"^(?P<prefix>\D*)(?P<digits>\d+)(?P<suffix>\D*)$")


def expand_last_page(first: str, last: str) -> str:
    """Return the last page in full: (`1605`, `17`) → `1617`; (`S12`, `S19`) → `S19`."""
    first_match = _SPLIT_NUMBER.match(first)
    last_match = _SPLIT_NUMBER.match(last)
    if not first_match or not last_match:
        return last
    digits, short = first_match["digits"], last_match["digits"]
    prefix = last_match["prefix"] or first_match["prefix"]
    if len(short) < len(digits):
        full = digits[: len(digits) - len(short)] + short
        if int(full) < int(digits):  # "99-101" style ranges never shorten; keep as given
            return last
        return f"{prefix}{full}"
    return f"{prefix}{short}"


def parse_pages(text: str) -> tuple[str, str]:
    """Return (first, last) from `1605-17`, `1605-1617`, `e34` or `S12-9`; last may be blank"""
    text = " ".join(text.split())
    if not text:
        return "", ""
    if match := _RANGE.match(text):
        first = match["first"]
        last = expand_last_page(first, match["last"])
        return (first, "") if last == first else (first, last)
    if re.search(r"[-\u2013\u2014,;\s]", text):
        raise ValidationError(
            "The pages “%(text)s” are not a range such as 1605-17 or an article number.",
            params={"text": text},
            code="bad_pages",
        )
    return text, ""


def abbreviated(first: str, last: str) -> str:
    """Return the range as NLM writes it: (`1605`, `1617`) → `1605-17`; `e34` alone."""
    if not last:
        return first
    first_match, last_match = _SPLIT_NUMBER.match(first), _SPLIT_NUMBER.match(last)
    if (
        first_match
        and last_match
        and first_match["prefix"] == last_match["prefix"]
        and not first_match["suffix"]
        and not last_match["suffix"]
        and len(first_match["digits"]) == len(last_match["digits"])
    ):
        a, b = first_match["digits"], last_match["digits"]
        shared = 0
        while shared < len(a) - 1 and a[shared] == b[shared]:
            shared += 1
        return f"{first}-{b[shared:]}"
    return f"{first}-{last}"


def full_range(first: str, last: str) -> str:
    """Return the range with both pages in full, joined by a hyphen (`1605-1617`)."""
    return f"{first}-{last}" if last else first


def validate_page(value: str) -> None:
    """A first or last page is one page or article number, never a range."""
    if any(mark in value for mark in "-\u2013\u2014,; "):
        raise ValidationError(
            "“%(value)s” is not one page: give the first and last page apart.",
            params={"value": value},
            code="bad_page",
        )
