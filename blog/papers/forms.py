"""The paper admin's form: authors one a line, pages as written, identifiers as pasted.

Pressing "Read the pasted citation" or "Look up" fills the fields for review (see
`blog.papers.fill`); the form then refuses to save until the editor saves again.
"""

from django import forms
from django.core.exceptions import ValidationError

from blog.papers import identifiers, names, pages
from blog.papers.models import Paper
from blog.papers.paste import PasteError, parse_pasted

READ_BUTTON = "_read_citation"
LOOKUP_BUTTON = "_look_up"


class PaperAdminForm(forms.ModelForm):
    paste = forms.CharField(
        label="Paste a citation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A Vancouver line, PubMed's Summary or Abstract (text), an RIS or BibTeX "
        "entry, a DOI, PMID or address. “Read the pasted citation” (under the form) fills "
        "the fields below.",
    )
    authors_text = forms.CharField(
        label="Authors",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: Gelfand JM, or Gelfand, Jeffrey M, or a group's name "
        "(CLARITY Study Group). A last line “et al.” when the source lists only the first.",
    )
    pages_text = forms.CharField(
        label="Pages",
        required=False,
        max_length=60,
        help_text="1605-17, 1605-1617 or an article number (e34).",
    )
    doi = forms.CharField(
        label="DOI",
        required=False,
        max_length=255,
        help_text="10.1212/NXI.0000000000000034, https://doi.org/… or doi:… alike.",
    )
    pmid = forms.CharField(
        label="PMID", required=False, max_length=60, help_text="25340086, PMID: … or its address."
    )
    pmcid = forms.CharField(
        label="PMCID", required=False, max_length=80, help_text="PMC4202677 or its address."
    )
    fill_message = ""  # set by the admin after a lookup that failed

    class Meta:
        model = Paper
        fields = [
            "title",
            "journal",
            "published_on",
            "date_precision",
            "volume",
            "issue",
            "doi",
            "pmid",
            "pmcid",
            "epub_ahead_of_print",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        paper = self.instance
        if paper.pk and not self.is_bound:
            self.initial["authors_text"] = names.people_lines(
                paper.author_list, paper.authors_et_al
            )
            self.initial["pages_text"] = paper.pages

    def clean_doi(self):
        return identifiers.normalise_doi(self.cleaned_data["doi"])

    def clean_pmid(self):
        return identifiers.normalise_pmid(self.cleaned_data["pmid"])

    def clean_pmcid(self):
        return identifiers.normalise_pmcid(self.cleaned_data["pmcid"])

    def clean_authors_text(self):
        return names.parse_people_lines(self.cleaned_data["authors_text"])

    def clean_pages_text(self):
        return pages.parse_pages(self.cleaned_data["pages_text"])

    def clean(self):
        cleaned = super().clean()
        if READ_BUTTON in self.data:
            try:
                pasted = parse_pasted(cleaned.get("paste", ""))
            except PasteError as error:
                self.add_error("paste", str(error))
            else:
                raise ValidationError(
                    "Read %(kind)s: check the fields below, then save.",
                    params={"kind": _KIND_NAMES.get(pasted.kind, pasted.kind)},
                )
        if LOOKUP_BUTTON in self.data:
            raise ValidationError(
                self.fill_message or "Looked up: check the fields below, then save."
            )
        return cleaned

    def _post_clean(self):
        authors = self.cleaned_data.get("authors_text")
        if authors is not None:
            self.instance.author_list = authors.people
            self.instance.authors_et_al = authors.et_al
        if (page_range := self.cleaned_data.get("pages_text")) is not None:
            self.instance.first_page, self.instance.last_page = page_range
        super()._post_clean()


_KIND_NAMES = {
    "citation": "a citation line",
    "pubmed-abstract": "a PubMed abstract",
    "ris": "an RIS entry",
    "bibtex": "a BibTeX entry",
    "doi": "a DOI (press Look up for the rest)",
    "pmid": "a PMID (press Look up for the rest)",
    "pmcid": "a PMCID",
}
