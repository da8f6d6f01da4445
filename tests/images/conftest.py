import io
import struct
import zlib

from PIL import ExifTags, Image


def image_bytes(
    image_format: str = "JPEG", size: tuple[int, int] = (2000, 1000), mode: str = "RGB", **save
) -> bytes:
    """Return an encoded picture: a gradient with a mark, so resizing has work to do."""
    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, image_format, **save)
    return out.getvalue()


def exif_with_gps() -> Image.Exif:
    """Return EXIF naming a camera and a position (as a phone writes them)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Patient's phone"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 31.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (0.0, 5.0, 40.0)
    return exif


def png_claiming(width: int, height: int) -> bytes:
    """Return a tiny PNG whose header claims width x height pixels: a decompression bomb."""
    small = image_bytes("PNG", size=(1, 1), mode="L")
    ihdr_at = small.index(b"IHDR")
    body = struct.pack(">II", width, height) + small[ihdr_at + 12 : ihdr_at + 17]
    chunk = b"IHDR" + body
    patched = struct.pack(">I", len(body)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return small[: ihdr_at - 4] + patched + small[ihdr_at + 4 + 13 + 4 :]
