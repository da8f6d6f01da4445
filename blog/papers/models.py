"""A cited paper and its abstract; `blog.models` re-exports both."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from blog.papers import identifiers, names, pages
from core.models import TimeStampedModel


class Paper(TimeStampedModel):
    """A cited research paper, stored in parts so it can be cited in any style."""

    class DatePrecision(models.TextChoices):
        YEAR = "year", "Year"
        MONTH = "month", "Month"
        DAY = "day", "Day"

    author_list = models.JSONField(
        "authors",
        default=list,
        validators=[names.validate_people],
        help_text="The authors in order, as CSL names: family and given, or a group's name.",
    )
    authors_et_al = models.BooleanField(
        "et al.", default=False, help_text="The source lists only the first authors (et al.)."
    )
    authors = models.TextField(
        editable=False, help_text="The Vancouver author list, written from the people on save."
    )
    title = models.TextField()
    journal = models.CharField(max_length=255, help_text="NLM abbreviation, without periods.")
    published_on = models.DateField()
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How much of the publication date the citation gives.",
    )
    volume = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=30, blank=True)
    first_page = models.CharField(
        max_length=30,
        blank=True,
        validators=[pages.validate_page],
        help_text="Or article number (e34).",
    )
    last_page = models.CharField(
        max_length=30,
        blank=True,
        validators=[pages.validate_page],
        help_text="In full: 1617, not 17.",
    )
    doi = models.CharField("DOI", max_length=255, blank=True, validators=[identifiers.validate_doi])
    pmid = models.CharField(
        "PMID", max_length=20, blank=True, validators=[identifiers.validate_pmid]
    )
    pmcid = models.CharField(
        "PMCID", max_length=20, blank=True, validators=[identifiers.validate_pmcid]
    )
    epub_ahead_of_print = models.BooleanField(
        "Epub ahead of print", default=False, help_text="Cited before its issue was published."
    )

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            models.UniqueConstraint(
                Lower("doi"), condition=~models.Q(doi=""), name="paper_doi_unique"
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~models.Q(pmid=""), name="paper_pmid_unique"
            ),
            models.UniqueConstraint(
                fields=["pmcid"], condition=~models.Q(pmcid=""), name="paper_pmcid_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_line()} {self.title}"

    def save(self, *args, **kwargs):
        self.authors = self.author_line()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:paper-detail", kwargs={"pk": self.pk})

    def author_line(self) -> str:
        """Return the authors as the Vancouver line lists them: `Gelfand et al.`."""
        if not self.author_list:
            return ""
        return names.vancouver_authors(self.author_list, self.authors_et_al)

    @property
    def pages(self) -> str:
        """Return the pages as NLM writes them: `1605-17`, or the article number."""
        return pages.abbreviated(self.first_page, self.last_page)

    @property
    def citation_date(self) -> str:
        """Return the date as Vancouver style writes it: `2014 Oct 9`, `2014 Oct` or `2014`."""
        date = self.published_on
        if self.date_precision == self.DatePrecision.YEAR:
            return f"{date.year}"
        if self.date_precision == self.DatePrecision.MONTH:
            return f"{date.year} {date:%b}"
        return f"{date.year} {date:%b} {date.day}"

    def vancouver(self) -> str:
        """Return the full citation line in Vancouver (NLM) style, as the blog prints it."""
        title = self.title if self.title.endswith((".", "?", "!")) else f"{self.title}."
        source = self.citation_date
        locator = ""
        if self.volume:
            locator += self.volume
        if self.issue:
            locator += f"({self.issue})"
        if self.pages:
            locator += f":{self.pages}"
        if locator:
            source += f";{locator}"
        parts = [self.author_line(), title, f"{self.journal}.", f"{source}."]
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        if self.epub_ahead_of_print:
            parts.append("Epub ahead of print.")
        return " ".join(parts)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def pmc_url(self) -> str:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else ""


# The parts of a citation, in the order a citation lists them (importer and admin share it).
PAPER_CITATION_FIELDS = (
    "author_list",
    "authors_et_al",
    "title",
    "journal",
    "published_on",
    "date_precision",
    "volume",
    "issue",
    "first_page",
    "last_page",
    "doi",
    "pmid",
    "pmcid",
    "epub_ahead_of_print",
)


class AbstractSection(models.Model):
    """One section of a paper's abstract: labelled (`RESULTS`) or a single unlabelled text."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="abstract_sections")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60, blank=True, help_text="E.g. OBJECTIVES; blank if none.")
    text = models.TextField()

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "position"], name="abstract_section_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label or "Abstract"
