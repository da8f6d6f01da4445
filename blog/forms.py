"""Forms for staff pages: the import upload, and the admin's own fields and pickers."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from blog.importers.batch import SourceDocument, parse_published
from blog.models import Hashtag

# A post document is a page of text; the seed is about 20 KB.
DOCUMENT_MAX_BYTES = 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        # No file at all arrives as an empty list: clean one None so `required` is enforced.
        single_clean = super().clean
        cleaned = [single_clean(file, initial) for file in files or [None]]
        return [file for file in cleaned if file]


class PostImportForm(forms.Form):
    """Upload post documents for the importer, with the command's options."""

    documents = MultipleFileField(
        label="Documents",
        max_length=255,
        help_text=(
            "One or more post documents: saved post pages as UTF-8 text, at most "
            f"{filesizeformat(DOCUMENT_MAX_BYTES)} each. A file's name without its extension "
            "identifies its post, so uploading the same file again updates that post."
        ),
    )
    dry_run = forms.BooleanField(
        label="Dry run",
        required=False,
        help_text="Check the documents and show what would change, without saving anything.",
    )
    published = forms.CharField(
        label="Publication date",
        required=False,
        help_text=(
            "For documents without a date line: a date or date and time, "
            "e.g. 2014-10-14 or 2014-10-14 09:30."
        ),
    )
    draft = forms.BooleanField(
        label="Import as drafts",
        required=False,
        help_text="Save the posts as drafts, so they can be reviewed before they go live.",
    )
    allow_unterminated = forms.BooleanField(
        label="The pages are complete",
        required=False,
        help_text=(
            "A page whose comments run to the end of the file, with nothing of the page "
            "after them, looks cut off and is refused. Tick this if the pages were saved "
            "completely."
        ),
    )
    author = forms.CharField(
        label="Author",
        required=False,
        max_length=120,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].help_text = (
            "For documents that name no author (no “About the author” box or “By …” line). "
            f"Leave it empty to file them under the blog's default author, "
            f"“{settings.BLOG_DEFAULT_AUTHOR}”."
        )

    def clean_documents(self) -> list[SourceDocument]:
        uploads = self.cleaned_data["documents"]
        errors = []
        for upload in uploads:
            if upload.size > DOCUMENT_MAX_BYTES:
                errors.append(
                    f"{upload.name} is {filesizeformat(upload.size)}; a document may be at most "
                    f"{filesizeformat(DOCUMENT_MAX_BYTES)}."
                )
        first_named: dict[str, str] = {}
        for upload in uploads:
            stem = PurePath(upload.name).stem
            if stem in first_named:
                errors.append(
                    f"{first_named[stem]} and {upload.name} would import into the same post "
                    "(a file's name without its extension identifies its post); upload one."
                )
            first_named.setdefault(stem, upload.name)
        if errors:
            raise forms.ValidationError(errors)
        return [SourceDocument(name=upload.name, data=upload.read()) for upload in uploads]

    def clean_published(self):
        value = self.cleaned_data["published"].strip()
        if not value:
            return None
        try:
            return parse_published(value)
        except ValueError:
            raise forms.ValidationError(
                "Enter a date such as 2014-10-14, or a date and time such as 2014-10-14 09:30.",
                code="invalid",
            ) from None


class TextareaField(forms.CharField):
    """Text whose lines end in LF, as imported documents have them.

    Browsers submit textareas with CRLF; without this every save would rewrite the text
    (and the admin log would report a change nobody made).
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class RevisionCompareForm(forms.Form):
    """Pick another version of the post to compare a version with."""

    compare = forms.TypedChoiceField(label="Compare with version", coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compare"].choices = [(number, f"Version {number}") for number in numbers]


class HashtagMergeForm(forms.Form):
    """Pick the hashtag to keep among those selected for a merge."""

    target = forms.ModelChoiceField(
        label="Keep this hashtag",
        queryset=Hashtag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The others are merged into it and deleted.",
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        field.queryset = tags  # annotated with post_count
        field.label_from_instance = lambda tag: (
            f"{tag} ({tag.post_count} {'post' if tag.post_count == 1 else 'posts'})"
        )
