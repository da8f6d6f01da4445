"""Rules for the names commenters give: no invisible or direction-changing characters, and
no name that reads as one of the blog's authors unless a staff member is posting.

"Reads as" is decided by a skeleton, in the spirit of Unicode TR39: the name is
NFKD-normalised (fullwidth and mathematical letters become plain ones; accents come apart
and are dropped with the punctuation), each character that looks like a plain letter or
digit is replaced by it (Unicode's confusables data, as shipped by the
`confusable-homoglyphs` package: Cyrillic "\u0420" reads "P", Greek "\u03bf" reads "o",
"0" reads "O", "1" and "I" read "l"), the result is case-folded, and everything but
letters and digits is dropped ("Prof. G", "prof-g" and "ProfG" are one name).
Look-alikes of more than one character ("rn" for "m") are not covered.
"""

import functools
import unicodedata

from confusable_homoglyphs.confusables import confusables_data

from authors.models import Author

# Letters that render as nothing, although Unicode does not class them as formatting:
# Hangul fillers, the halfwidth Hangul filler, the blank Braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control, format (zero-width and bidi controls such as U+200B, U+202E, U+2066), private
# use, surrogate, and line/paragraph separator characters.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def invisible_character(name: str) -> str | None:
    """Return the first invisible or direction-changing character in the name, if any."""
    for char in name:
        if char in _BLANK_LETTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            return char
    return None


# Plain ASCII characters that read as other plain ones (from Unicode's confusables data).
_ASCII_LOOKALIKES = {"0": "O", "1": "l", "I": "l", "|": "l"}


@functools.cache
def _representatives() -> dict[str, str]:
    """Map each non-ASCII character that looks like a plain letter or digit to it.

    Only direct look-alikes count: the data's pairs are not transitive (chaining them
    would make "s" read as "r"), so a character maps to the plain letter (else digit) it
    is listed with, or is left alone.
    """
    representatives = dict(_ASCII_LOOKALIKES)
    for char, lookalikes in confusables_data.items():
        if char.isascii():
            continue
        plain = [entry["c"] for entry in lookalikes]
        plain = [c for c in plain if len(c) == 1 and c.isascii() and c.isalnum()]
        if plain:
            best = min(plain, key=lambda c: (not c.isalpha(), c))
            representatives[char] = _ASCII_LOOKALIKES.get(best, best)
    return representatives


def skeleton(name: str) -> str:
    """Return what a name looks like: equal skeletons read alike (see the module doc)."""
    representatives = _representatives()
    normalized = unicodedata.normalize("NFKD", name)
    mapped = "".join(representatives.get(char, char) for char in normalized).casefold()
    return "".join(char for char in mapped if char.isalnum())


def reserved_skeletons() -> set[str]:
    """The skeletons of the blog's authors' names. Runs a query."""
    return {skeleton(name) for name in Author.objects.values_list("name", flat=True)} - {""}


def is_reserved_name(name: str) -> bool:
    """Return True if the name reads as one of the blog's authors'. Runs a query."""
    return bool(name) and skeleton(name) in reserved_skeletons()
