from django.contrib import admin
from django.utils.html import format_html

from images.forms import ImageTextsForm, ImageUploadForm
from images.html import picture_html
from images.models import Image
from images.services import image_create
from images.usage import image_users


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "size", "markdown", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit", "original_name"]

    class Media:
        css = {"all": ["css/admin-images.css"]}

    readonly_fields = ["preview", "size", "markdown", "original_name", "uploaded_by", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageTextsForm if obj else ImageUploadForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "alt_text", "caption", "credit"]
        return ["preview", "alt_text", "caption", "credit", "markdown", "size", "original_name"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_deleted_objects(self, objs, request):
        """Refuse to delete an image a post shows (as a figure; lead images are PROTECTed)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            protected.extend(
                format_html("{}: “{}” places {} as a figure", user._meta.verbose_name, user, image)
                for user in image_users(image)
            )
        return deleted, counts, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        upload = form.cleaned_data["upload"]
        created = image_create(
            checked=form.checked,
            alt_text=obj.alt_text,
            caption=obj.caption,
            credit=obj.credit,
            original_name=upload.name,
            user=request.user,
        )
        # The admin's messages and redirect use the saved row.
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)

    @admin.display(description="image")
    def thumbnail(self, image):
        return format_html(
            '<span class="image-thumbnail">{}</span>', picture_html(image.source(), sizes="8rem")
        )

    @admin.display(description="image")
    def preview(self, image):
        return picture_html(image.source(), sizes="(min-width: 60rem) 40rem, 90vw")

    @admin.display(description="pixels")
    def size(self, image):
        return f"{image.width} by {image.height} {image.get_format_display()}"

    @admin.display(description="Markdown for a figure")
    def markdown(self, image):
        return format_html("<code>{}</code>", image.markdown())
