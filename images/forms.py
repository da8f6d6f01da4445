from django import forms
from django.conf import settings

from images.models import Image
from images.services import image_check


class ImageUploadForm(forms.ModelForm):
    """Upload an image with its texts; the file is checked by decoding it (images.processing)."""

    upload = forms.FileField(
        label="Image file",
        help_text="JPEG, PNG or WebP. Camera data (EXIF, including GPS position) is removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Image
        fields = ["upload", "alt_text", "caption", "credit"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > settings.IMAGES_MAX_UPLOAD_BYTES:
            # Refused before reading it into memory.
            limit = settings.IMAGES_MAX_UPLOAD_BYTES / 1_000_000
            raise forms.ValidationError(f"The file is larger than {limit:.1f} MB.")
        self.checked = image_check(upload.read())
        return upload


class ImageTextsForm(forms.ModelForm):
    """Change an image's texts; its files, made at upload, stay as they are."""

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "credit"]
