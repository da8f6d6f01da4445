"""Turn a citation's author and page text into the stored people and page fields.

Shared by the importer's writer, the paste box and data migration 0005 (pure: no models).
"""

from django.core.exceptions import ValidationError

from blog.papers import names, pages


def citation_text_fields(*, authors: str, pages_text: str) -> dict:
    """Return `author_list`, `authors_et_al`, `first_page` and `last_page` for the text.

    Lenient on purpose: what cannot be read is kept so that model validation names it
    (no author left, or a first page that is still a range).
    """
    try:
        author_list = names.parse_vancouver_authors(authors)
        people = {"author_list": author_list.people, "authors_et_al": author_list.et_al}
    except ValidationError:
        people = {"author_list": [], "authors_et_al": False}
    try:
        first, last = pages.parse_pages(pages_text)
    except ValidationError:
        first, last = pages_text, ""
    return {**people, "first_page": first, "last_page": last}


def unchanged_people_kept(paper, values: dict) -> dict:
    """Return `values` without the people when the stored ones read the same in Vancouver.

    A citation line carries initials only: re-importing it must not replace the full given
    names an editor or a lookup stored (`Jeffrey M` and `J. M.` both read `Gelfand JM`).
    """
    if "author_list" not in values or not paper.author_list:
        return values
    stored = names.vancouver_authors(paper.author_list, paper.authors_et_al)
    given = names.vancouver_authors(values["author_list"], values.get("authors_et_al", False))
    if stored != given:
        return values
    return {name: value for name, value in values.items() if name not in PEOPLE_FIELDS}


PEOPLE_FIELDS = ("author_list", "authors_et_al")
