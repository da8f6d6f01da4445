"""Writes on images: an upload becomes renditions in the storage and one row."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from images.models import Image
from images.processing import CheckedImage, ImageRefused, check_image, make_renditions


def image_check(data: bytes) -> CheckedImage:
    """Decode an upload within the site's limits, or raise ValidationError saying why."""
    try:
        return check_image(
            data, max_bytes=settings.IMAGES_MAX_UPLOAD_BYTES, max_pixels=settings.IMAGES_MAX_PIXELS
        )
    except ImageRefused as error:
        raise ValidationError(str(error), code="image_refused") from None


def image_create(
    *,
    data: bytes | None = None,
    checked: CheckedImage | None = None,
    alt_text: str,
    caption: str = "",
    credit: str = "",
    original_name: str = "",
    user: AbstractBaseUser | None = None,
) -> Image:
    """Check an upload (or take one already checked), store its renditions, save its row.

    The renditions are written to the default storage (the filesystem, or an object
    store) before the row; if the row cannot be saved they are deleted again.
    """
    if checked is None:
        if data is None:
            raise TypeError("image_create needs data or checked")
        checked = image_check(data)
    image = Image(
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        credit=credit.strip(),
        format=checked.format,
        width=checked.width,
        height=checked.height,
        original_name=original_name[:255],
        uploaded_by=user,
    )
    image.full_clean()
    written: list[str] = []
    try:
        for rendition in make_renditions(checked):
            name = f"{image.folder}/{rendition.width}.{rendition.extension}"
            written.append(default_storage.save(name, ContentFile(rendition.content)))
            image.renditions.append(
                {
                    "width": rendition.width,
                    "height": rendition.height,
                    "format": rendition.format,
                    "name": written[-1],
                }
            )
        with transaction.atomic():
            image.save()
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return image


def image_delete_files(image: Image) -> None:
    """Delete the image's renditions from the storage (after its row is gone)."""
    for item in image.renditions:
        default_storage.delete(item["name"])
