"""The admin's form for importing a whole blog from WordPress or Blogger."""

import datetime

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from blog.platforms.writer import PINGBACKS_HOLD, PINGBACKS_SKIP, ImportOptions

WORDPRESS, BLOGGER = "wordpress", "blogger"
# Exports over IMPORT_INLINE_MAX_BYTES are imported by the worker; this is the most the
# admin stores for it (use the commands for larger ones).
UPLOAD_MAX_BYTES = 50 * 1024 * 1024


class PlatformImportForm(forms.Form):
    platform = forms.ChoiceField(
        choices=[(WORDPRESS, "WordPress (WXR)"), (BLOGGER, "Blogger (Atom)")],
        initial=WORDPRESS,
        help_text="WordPress: Tools > Export > All content. Blogger: Settings > Back up content.",
    )
    export = forms.FileField(
        label="Export file",
        help_text=(
            f"The XML file, at most {filesizeformat(UPLOAD_MAX_BYTES)}; for larger ones use "
            "manage.py import_wordpress or import_blogger."
        ),
    )
    dry_run = forms.BooleanField(
        required=False, help_text="Read and check everything and report; save nothing."
    )
    as_draft = forms.BooleanField(
        label="As drafts", required=False, help_text="Import every post as a draft."
    )
    since = forms.DateField(
        required=False,
        help_text="Only posts published, edited or commented on since this date (YYYY-MM-DD).",
    )
    pingbacks = forms.ChoiceField(
        choices=[
            (PINGBACKS_SKIP, "Skip them"),
            (PINGBACKS_HOLD, "Keep them, held for moderation (apart from the discussion)"),
        ],
        initial=PINGBACKS_SKIP,
        label="Pingbacks and trackbacks",
    )

    def clean_export(self):
        upload = self.cleaned_data["export"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; the limit here is "
                f"{filesizeformat(UPLOAD_MAX_BYTES)}. Use the command for larger exports."
            )
        return upload

    def import_options(self, user) -> ImportOptions:
        data = self.cleaned_data
        since = data["since"]
        return ImportOptions(
            dry_run=data["dry_run"],
            as_draft=data["as_draft"],
            since=timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
            if since
            else None,
            pingbacks=data["pingbacks"],
            user=user,
        )
