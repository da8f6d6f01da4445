"""Check an uploaded image and make its renditions, with Pillow; no database.

An upload is trusted for nothing: its type comes from decoding it, not from its name;
its pixel count is read from the header and refused before any decoding (a small file
can claim a huge canvas: a decompression bomb); and nothing of its metadata survives
(EXIF, including GPS and camera serial numbers, XMP, PNG text chunks). Only the colour
profile is kept, so colours stay right. Every file written is a fresh encoding of the
pixels: the original upload itself is never stored.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Formats accepted (Pillow's names) and the file extension and MIME type of each.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# Renditions: these widths (never wider than the image), each in WebP and in the
# image's own format.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
RENDITION_FORMAT = "WEBP"
QUALITY = {"JPEG": 85, "WEBP": 80}


class ImageRefused(ValueError):
    """The upload is not an image this site accepts; the message says why, for the editor."""


@dataclass(frozen=True)
class CheckedImage:
    """A decoded, oriented image without metadata, ready to make renditions from."""

    image: Image.Image
    format: str  # a key of FORMATS
    icc_profile: bytes | None

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


@dataclass(frozen=True)
class Rendition:
    """One encoded file of an image: a width in a format."""

    width: int
    height: int
    format: str
    content: bytes

    @property
    def extension(self) -> str:
        return FORMATS[self.format][0]

    @property
    def mime_type(self) -> str:
        return FORMATS[self.format][1]


def check_image(data: bytes, *, max_bytes: int, max_pixels: int) -> CheckedImage:
    """Decode `data` and return it oriented and without metadata, or raise ImageRefused."""
    if len(data) > max_bytes:
        raise ImageRefused(
            f"The file is {_megabytes(len(data))}; the largest accepted is {_megabytes(max_bytes)}."
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its own limit refuses) on huge canvases; the
            # limit below is ours and is checked before any pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image_format = image.format
            width, height = image.size
            if image_format not in FORMATS:
                names = ", ".join(sorted(FORMATS))
                raise ImageRefused(f"{image_format} images are not accepted; upload {names}.")
            if width * height > max_pixels:
                raise ImageRefused(
                    f"The image is {width} by {height} pixels ({_megapixels(width * height)}); "
                    f"the most accepted is {_megapixels(max_pixels)}."
                )
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("The image claims too many pixels to be decoded safely.") from None
    except UnidentifiedImageError:
        raise ImageRefused("The file is not an image (or not one that can be read).") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRefused(
            f"The image cannot be read: it is damaged or cut short ({error})."
        ) from None
    icc_profile = image.info.get("icc_profile")
    # Turn the pixels as the camera's orientation tag says, then forget every tag.
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    image.info = {}
    return CheckedImage(image=image, format=image_format, icc_profile=icc_profile)


def rendition_widths(width: int) -> list[int]:
    """Return the widths to make for an image `width` pixels wide, smallest first."""
    widths = [w for w in RENDITION_WIDTHS if w < width]
    top = min(width, RENDITION_WIDTHS[-1])
    if top not in widths:
        widths.append(top)
    return widths


def make_renditions(checked: CheckedImage) -> list[Rendition]:
    """Return every rendition of the image: each width in WebP and in its own format."""
    renditions = []
    formats = (
        [RENDITION_FORMAT]
        if checked.format == RENDITION_FORMAT
        else [
            RENDITION_FORMAT,
            checked.format,
        ]
    )
    # Largest first: each smaller size is made from the previous one, which is faster
    # than going back to a 40-megapixel original every time and looks the same.
    source = checked.image
    for width in reversed(rendition_widths(checked.width)):
        height = max(1, round(checked.height * width / checked.width))
        if (width, height) != source.size:
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for image_format in formats:
            renditions.append(
                Rendition(width, height, image_format, _encode(source, image_format, checked))
            )
    renditions.sort(key=lambda r: (r.format, r.width))
    return renditions


def _encode(image: Image.Image, image_format: str, checked: CheckedImage) -> bytes:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = _flatten(image)
    options: dict = {"optimize": True}
    if image_format in QUALITY:
        options["quality"] = QUALITY[image_format]
    if image_format == "JPEG":
        options["progressive"] = True
    if checked.icc_profile:
        options["icc_profile"] = checked.icc_profile
    out = io.BytesIO()
    # exif=b"" and a fresh info dict: nothing but pixels (and the colour profile).
    image.save(out, image_format, exif=b"", **options)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, "white")
    background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    return background


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f} megapixels"
