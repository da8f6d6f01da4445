"""Authors as people: parse a Vancouver author list, write one back, check stored people.

A person is a dict in CSL-JSON's name shape: `{"family": "Cree", "given": "B. A. C."}`, or
`{"literal": "CLARITY Study Group"}` for a collective author. A list the source cut short
("et al.") is the list plus a flag, never a name.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

ET_AL = "et al."

# A Vancouver name: family name, then up to four capital initials without periods ("Cree BAC").
_VANCOUVER_NAME = re.compile(r"^(?P<family>.+?)\s+(?P<initials>[A-Z]{1,4})$")
# Lower-case particles that belong to a family name ("van der Berg").
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "la", "le", "du"}
_ET_AL_TAIL = re.compile(r",?\s*\bet\s+al\.?$", re.IGNORECASE)


@dataclass(frozen=True)
class AuthorList:
    people: list[dict]
    et_al: bool


def initials(given: str) -> str:
    """Return a given name's initials as Vancouver writes them: `Jeffrey M` → `JM`."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)


def dotted(initials_text: str) -> str:
    """Return initials as a given name readers and CSL processors take: `BAC` → `B. A. C.`."""
    return " ".join(f"{letter}." for letter in initials_text)


def person_from_vancouver(name: str) -> dict:
    """Return the person one Vancouver name stands for: `Cree BAC`, `Gelfand`, a group."""
    name = " ".join(name.split())
    if match := _VANCOUVER_NAME.match(name):
        return {"family": match["family"], "given": dotted(match["initials"])}
    words = name.split()
    if len(words) == 1 or all(word in _PARTICLES for word in words[:-1]):
        return {"family": name}
    return {"literal": name}


def parse_vancouver_authors(text: str) -> AuthorList:
    """Parse `Smith J, Jones K.`, `Gelfand et al.` or `Cree BAC, Hauser SL, et al.`.

    Raise ValidationError when no name is left.
    """
    text = " ".join(text.split()).strip()
    et_al = bool(_ET_AL_TAIL.search(text))
    text = _ET_AL_TAIL.sub("", text).strip().removesuffix(".").strip()
    people = [person_from_vancouver(part) for part in text.split(",") if part.strip()]
    if not people:
        raise ValidationError("No author could be read from “%(text)s”.", params={"text": text})
    return AuthorList(people, et_al)


def vancouver_name(person: dict) -> str:
    """Return a person as Vancouver lists them: family name and initials (`Cree BAC`)."""
    if person.get("literal"):
        return person["literal"]
    letters = initials(person.get("given", ""))
    return f"{person['family']} {letters}" if letters else person["family"]


def vancouver_authors(people: list[dict], et_al: bool) -> str:
    """Return the author part of a Vancouver line, with its closing full stop.

    One name and et al. reads as the blog writes it (`Gelfand et al.`); a longer cut list
    as NLM writes it (`Cree BAC, Hauser SL, et al.`).
    """
    names = ", ".join(vancouver_name(person) for person in people)
    if not et_al:
        return f"{names}."
    return f"{names} {ET_AL}" if len(people) == 1 else f"{names}, {ET_AL}"


def display_name(person: dict) -> str:
    """Return a person as readers write them: `B. A. C. Cree`, or a group's name."""
    if person.get("literal"):
        return person["literal"]
    return " ".join(part for part in (person.get("given", ""), person["family"]) if part)


def validate_people(value) -> None:
    """Check a stored author list: people in CSL name shape, each a family name or a group."""
    if not isinstance(value, list) or not value:
        raise ValidationError("A paper has at least one author.", code="no_authors")
    for position, person in enumerate(value, start=1):
        if not isinstance(person, dict) or set(person) - {"family", "given", "literal"}:
            raise ValidationError(
                "Author %(n)s is not a person.", params={"n": position}, code="bad_author"
            )
        if not all(isinstance(part, str) for part in person.values()):
            raise ValidationError(
                "Author %(n)s is not a person.", params={"n": position}, code="bad_author"
            )
        if bool(person.get("literal", "").strip()) == bool(person.get("family", "").strip()):
            raise ValidationError(
                "Author %(n)s needs a family name or a group name (not both).",
                params={"n": position},
                code="bad_author",
            )


def people_lines(people: list[dict], et_al: bool) -> str:
    """Return the list as the admin's text box shows it: one Vancouver name a line."""
    lines = [vancouver_name(person) for person in people]
    return "\n".join([*lines, ET_AL] if et_al else lines)


def parse_people_lines(text: str) -> AuthorList:
    """Parse the admin's text box: one name a line (`Cree BAC` or `Cree, Bruce A C`).

    A last line `et al.` sets the flag. Raise ValidationError naming the line at fault.
    """
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    et_al = bool(lines) and lines[-1].lower().rstrip(".") in {"et al", "and others", "others"}
    if et_al:
        lines.pop()
    people = []
    for number, line in enumerate(lines, start=1):
        if "," in line:
            family, _, given = (part.strip() for part in line.partition(","))
            if not family or "," in given:
                raise ValidationError(
                    "Line %(n)s: write one name a line, `Family, Given` or `Family AB`.",
                    params={"n": number},
                )
            people.append({"family": family, "given": given} if given else {"family": family})
        else:
            people.append(person_from_vancouver(line))
    if not people:
        raise ValidationError("Enter at least one author, one a line.")
    return AuthorList(people, et_al)
