"""Turn a citation's author and page text into the stored people and page fields.

Shared by the importer's writer, the paste box and data migration 0004 (pure: no models).
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
