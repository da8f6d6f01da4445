"""DOI, PMID and PMCID: one rule each, used by the model, the admin, the importer and lookups.

`normalise_*` turns whatever an editor pastes (`https://doi.org/10.…`, `doi:10.…`,
`PMID: 123`, a PubMed or PMC address) into the stored form, or raises ValidationError;
`validate_*` are the model fields' validators and accept only the stored form.
"""

import re

from django.core.exceptions import ValidationError

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
PMCID = re.compile(r"^PMC[1-9]\d{0,9}$")

_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi\s*:\s*|doi\s+|info:doi/)", re.IGNORECASE
)
_PMID_PREFIX = re.compile(
    r"^(?:PMID\s*:?\s*|info:pmid/|(?:https?://)?(?:www\.)?"
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/))",
    re.IGNORECASE,
)
_PMCID_PREFIX = re.compile(
    r"^(?:PMCID\s*:?\s*|(?:https?://)?(?:www\.)?"
    r"(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/))",
    re.IGNORECASE,
)

DOI_MESSAGE = "Enter a DOI such as 10.1212/NXI.0000000000000034."
PMID_MESSAGE = "A PMID is a number such as 25340086."
PMCID_MESSAGE = "A PMCID is PMC and a number, such as PMC4202677."


def _tidy(value: str) -> str:
    return value.strip().strip("<>").strip().rstrip(".,;").strip()


def normalise_doi(value: str) -> str:
    """Return the DOI in `value` as `10.NNNN/suffix`; blank stays blank."""
    text = _tidy(value)
    if not text:
        return ""
    text = _DOI_PREFIX.sub("", text).strip()
    if text.lower().startswith(("http://", "https://")):
        raise ValidationError(DOI_MESSAGE, code="invalid_doi")
    validate_doi(text)
    return text


def normalise_pmid(value: str) -> str:
    """Return the PMID in `value` as digits; blank stays blank."""
    text = _tidy(value)
    if not text:
        return ""
    text = _PMID_PREFIX.sub("", text).strip().strip("/").split("/")[0].split("?")[0]
    validate_pmid(text)
    return text


def normalise_pmcid(value: str) -> str:
    """Return the PMCID in `value` as `PMC` and digits; blank stays blank."""
    text = _tidy(value)
    if not text:
        return ""
    text = _PMCID_PREFIX.sub("", text).strip().strip("/").split("/")[0].split("?")[0]
    text = text.upper()
    validate_pmcid(text)
    return text


def validate_doi(value: str) -> None:
    if not DOI.match(value):
        raise ValidationError(DOI_MESSAGE, code="invalid_doi")


def validate_pmid(value: str) -> None:
    if not PMID.match(value):
        raise ValidationError(PMID_MESSAGE, code="invalid_pmid")


def validate_pmcid(value: str) -> None:
    if not PMCID.match(value):
        raise ValidationError(PMCID_MESSAGE, code="invalid_pmcid")


def identifier_kind(value: str) -> tuple[str, str] | None:
    """Return ("doi" | "pmid" | "pmcid", normalised) if `value` is one identifier, else None."""
    for kind, normalise in (
        ("pmcid", normalise_pmcid),
        ("doi", normalise_doi),
        ("pmid", normalise_pmid),
    ):
        try:
            return kind, normalise(value)
        except ValidationError:
            continue
    return None
