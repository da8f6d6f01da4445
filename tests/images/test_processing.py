"""Uploads are decoded, limited and stripped by images.processing (no database)."""

import io

import pytest
from PIL import ExifTags, Image

from images.processing import ImageRefused, check_image, make_renditions, rendition_widths
from tests.images.conftest import exif_with_gps, image_bytes, png_claiming

LIMITS = {"max_bytes": 25_000_000, "max_pixels": 60_000_000}


@pytest.mark.parametrize(
    ("image_format", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB")]
)
def test_each_accepted_format_gives_webp_and_its_own_format(image_format, mode):
    checked = check_image(image_bytes(image_format, mode=mode), **LIMITS)
    assert checked.format == image_format
    renditions = make_renditions(checked)
    formats = {r.format for r in renditions}
    assert formats == {"WEBP", image_format}
    for rendition in renditions:
        decoded = Image.open(io.BytesIO(rendition.content))
        assert decoded.format == rendition.format
        assert decoded.size == (rendition.width, rendition.height)
    assert sorted({r.width for r in renditions}) == [480, 800, 1200, 1600]


def test_renditions_keep_the_proportions_and_never_enlarge():
    assert rendition_widths(300) == [300]
    assert rendition_widths(1000) == [480, 800, 1000]
    assert rendition_widths(5000) == [480, 800, 1200, 1600]
    renditions = make_renditions(check_image(image_bytes("PNG", size=(1000, 250)), **LIMITS))
    assert {(r.width, r.height) for r in renditions} == {(480, 120), (800, 200), (1000, 250)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image at all", "not an image"),
        (b"A text file named photo.jpg", "not an image"),
        (image_bytes("GIF"), "GIF images are not accepted"),
        (image_bytes("JPEG")[:2000], "damaged or cut short"),
    ],
    ids=["pdf", "text", "gif", "truncated-jpeg"],
)
def test_what_is_not_an_accepted_image_is_refused_with_a_reason(data, message):
    with pytest.raises(ImageRefused, match=message):
        check_image(data, **LIMITS)


@pytest.mark.parametrize("claimed", [(100_000, 100_000), (12_000, 12_000)])
def test_a_decompression_bomb_is_refused_before_decoding(claimed):
    bomb = png_claiming(*claimed)
    assert len(bomb) < 100  # a few bytes claiming billions of pixels
    with pytest.raises(ImageRefused, match="too many pixels"):
        check_image(bomb, **LIMITS)


def test_more_pixels_than_the_limit_are_refused_from_the_header():
    with pytest.raises(ImageRefused, match=r"9000 by 8000 pixels \(72 megapixels\); the most"):
        check_image(png_claiming(9000, 8000), **LIMITS)


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ImageRefused, match=r"the largest accepted is 0\.0 MB"):
        check_image(image_bytes("PNG"), max_bytes=1000, max_pixels=LIMITS["max_pixels"])


def test_a_40_megapixel_photo_is_accepted_and_scaled_down():
    photo = image_bytes("JPEG", size=(8000, 5000))
    checked = check_image(photo, **LIMITS)
    assert (checked.width, checked.height) == (8000, 5000)
    renditions = make_renditions(checked)
    assert max(r.width for r in renditions) == 1600
    assert {(r.width, r.height) for r in renditions} >= {(1600, 1000), (480, 300)}


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_exif_with_gps_is_stripped_from_every_rendition(image_format):
    upload = image_bytes(image_format, exif=exif_with_gps())
    # The upload really carries the position (so the test can fail).
    uploaded = Image.open(io.BytesIO(upload)).getexif()
    assert uploaded.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (51.0, 31.0, 12.5)

    for rendition in make_renditions(check_image(upload, **LIMITS)):
        read_back = Image.open(io.BytesIO(rendition.content))
        exif = read_back.getexif()
        assert dict(exif) == {}
        assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "exif" not in read_back.info
        assert b"PhoneMaker" not in rendition.content
        assert b"SN-123456" not in rendition.content


def test_the_camera_orientation_is_applied_before_the_tag_is_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotated 90° clockwise
    upload = image_bytes("JPEG", size=(1000, 500), exif=exif)
    checked = check_image(upload, **LIMITS)
    assert (checked.width, checked.height) == (500, 1000)
