"""Photos for the tests: real JPEG/PNG/HEIC files with the metadata phones write, the upload a
browser makes with the presigned POST, and the S3 event that sets the processing going."""

from __future__ import annotations

import io
from typing import Any

import requests
from PIL import Image, ImageCms

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: camera make, orientation, GPS position, XMP, a comment, a Display-P3-like ICC."""
    image = Image.new("RGB", size, (200, 120, 100))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (63.0, 10.0, 30.0), 3: "E", 4: (14.0, 38.0, 0.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"Ostersund clinic visit",
               xmp=b"<x:xmpmeta><GPSLatitude>63.17</GPSLatitude></x:xmpmeta>", icc_profile=icc)
    data = out.getvalue()
    check = Image.open(io.BytesIO(data))
    assert check.getexif().get_ifd(GPS_IFD), "the test photo must carry GPS"
    return data


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA", size, (10, 200, 30, 128))
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made at home")
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def heic(size: tuple[int, int] = (48, 32)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (63.0, 10.0, 30.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (90, 60, 200)).save(out, "HEIF", exif=exif.tobytes())
    return out.getvalue()


def bomb() -> bytes:
    """A small PNG whose header says 30 000 x 30 000 pixels (900 MP): a decompression bomb."""
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, "PNG", optimize=True)
    return out.getvalue()


def upload(answer: dict[str, Any], data: bytes, content_type: str | None = None) -> int:
    """What the browser does with ``POST /bookings/{id}/photos``'s answer: a multipart POST, file last."""
    form = answer["upload"]
    files = {"file": ("photo", data, content_type or form["fields"].get("Content-Type", "application/octet-stream"))}
    sent = requests.post(form["url"], data=form["fields"], files=files, timeout=10)
    return sent.status_code


def metadata_of(data: bytes) -> dict[str, Any]:
    """Every metadata block Pillow finds in a file."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return {
        "format": image.format,
        "size": image.size,
        "exif": dict(exif),
        "gps": dict(exif.get_ifd(GPS_IFD)),
        "info": sorted(k for k in image.info if k not in ("jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi")),
        "raw_markers": [m for m in (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"xmpmeta", b"ICC_PROFILE",
                                    b"PhoneMaker", b"Ostersund") if m in data],
    }
