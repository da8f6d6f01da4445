"""Fill the paper form's submitted data from a pasted or looked-up record, for review."""

from django.http import QueryDict

from blog.papers import names, pages
from blog.papers.paste import PastedPaper

ABSTRACT_PREFIX = "abstract_sections"


def filled_data(data: QueryDict, pasted: PastedPaper) -> QueryDict:
    """Return a copy of the form data with the record's fields and abstract written in.

    Fields the record does not give keep what the editor typed; an abstract it gives
    replaces the sections on the form (the old ones are marked for deletion).
    """
    filled = data.copy()
    fields = pasted.fields
    if fields.get("author_list"):
        filled["authors_text"] = names.people_lines(
            fields["author_list"], fields.get("authors_et_al", False)
        )
    if "first_page" in fields:
        filled["pages_text"] = pages.abbreviated(fields["first_page"], fields.get("last_page", ""))
    if "published_on" in fields:
        filled["published_on"] = fields["published_on"].isoformat()
    if "epub_ahead_of_print" in fields:
        if fields["epub_ahead_of_print"]:
            filled["epub_ahead_of_print"] = "on"
        else:
            filled.pop("epub_ahead_of_print", None)
    for name in ("title", "journal", "date_precision", "volume", "issue", "doi", "pmid", "pmcid"):
        if fields.get(name):
            filled[name] = fields[name]
    if pasted.abstract:
        _fill_abstract(filled, pasted.abstract)
    return filled


def _fill_abstract(filled: QueryDict, sections: list[tuple[str, str]]) -> None:
    existing = int(filled.get(f"{ABSTRACT_PREFIX}-TOTAL_FORMS") or 0)
    for index in range(existing):
        if filled.get(f"{ABSTRACT_PREFIX}-{index}-id"):
            filled[f"{ABSTRACT_PREFIX}-{index}-DELETE"] = "on"
        else:  # an unsaved extra form: blank it so it is skipped
            for name in ("label", "text", "position"):
                filled[f"{ABSTRACT_PREFIX}-{index}-{name}"] = ""
    # New sections take positions after the old ones, which are deleted on save.
    start = 1000
    for offset, (label, text) in enumerate(sections):
        index = existing + offset
        filled[f"{ABSTRACT_PREFIX}-{index}-position"] = str(start + offset)
        filled[f"{ABSTRACT_PREFIX}-{index}-label"] = label
        filled[f"{ABSTRACT_PREFIX}-{index}-text"] = text
    filled[f"{ABSTRACT_PREFIX}-TOTAL_FORMS"] = str(existing + len(sections))
    filled.setdefault(f"{ABSTRACT_PREFIX}-INITIAL_FORMS", "0")
