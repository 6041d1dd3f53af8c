"""What happens to an uploaded photo before anybody sees it: the only module that imports Pillow.

It runs in its own Lambda (``routes/photos.py``'s ``process_photo``, triggered by the
bucket's ObjectCreated event; locally the dev server and the tests send it the same
event). S3 enforces the presigned POST's conditions, moto does not, and a browser may
lie about a file anyway, so this checks everything itself and deletes what fails:

- the size (at most 10 MB and at most what was declared),
- the type, by decoding (JPEG, PNG or HEIC), and that it is the type declared,
- the pixels (at most ``MAX_PIXELS``, each side at most ``MAX_SIDE``) *before* decoding
  them, so that a small file that unpacks to gigabytes (a decompression bomb) is refused.

What passes is turned upright (its EXIF orientation), converted to sRGB, and re-encoded
from the bare pixels into a new file, so no metadata block survives: no EXIF (camera,
time, GPS), no XMP, no ICC profile, no comments. The clean copy is stored, the original
deleted, and the photo becomes ``ready``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..store import tx
from ..store.errors import ConditionFailed
from ..store.models import Photo
from . import bucket
from .uploads import CONTENT_TYPES, MAX_BYTES

log = logging.getLogger(__name__)

MAX_PIXELS = 40_000_000   # a 48 MP phone photo is 8064 x 6048; more than this is not a photo of skin
MAX_SIDE = 12_000
KEEP_SIDE = 4096          # stored at most this large: plenty to see skin, a fraction of the bytes
JPEG_QUALITY = 88
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own bomb check, in case a format reports its size late

_heif_ready = False


def _heif() -> None:
    """HEIC (iPhones' default) through pillow-heif, registered once."""
    global _heif_ready
    if not _heif_ready:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_ready = True


class Refused(ValueError):
    """The upload is not a photo we keep; ``reason`` says why (for the log and the item)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Clean:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _srgb(image: Image.Image) -> Image.Image:
    """The pixels in sRGB: a photo tagged Display P3 (as iPhones take them) keeps its colours without its profile."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        converted = ImageCms.profileToProfile(image.convert(mode), source, target, outputMode=mode)
        return converted if converted is not None else image
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: the pixels as they are, the profile dropped below


def clean(data: bytes, declared_type: str, declared_size: int) -> Clean:
    """The photo re-encoded without any metadata, or Refused."""
    if len(data) > MAX_BYTES:
        raise Refused("too_large")
    if len(data) > declared_size:
        raise Refused("larger_than_declared")
    expected = CONTENT_TYPES.get(declared_type)
    if expected is None:
        raise Refused("type_not_allowed")
    if expected == "HEIF":
        _heif()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[expected])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("too_many_pixels") from None
        except UnidentifiedImageError:
            raise Refused("not_the_declared_type") from None
        except (OSError, ValueError, SyntaxError):
            raise Refused("unreadable") from None
        width, height = image.size
        if width <= 0 or height <= 0 or width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise Refused("too_many_pixels")
        try:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            colours = _srgb(upright)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("unreadable") from None
    keeps_alpha = expected == "PNG" and ("A" in colours.getbands() or "transparency" in colours.info)
    mode = "RGBA" if keeps_alpha else "RGB"
    pixels = colours.convert(mode)
    # A new image from the bare pixels: nothing of the original's info (EXIF, XMP, ICC, text) comes along.
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    bare.thumbnail((KEEP_SIDE, KEEP_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if expected == "PNG":
        bare.save(out, format="PNG", optimize=True)
        return Clean(out.getvalue(), "image/png", "png", bare.width, bare.height)
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return Clean(out.getvalue(), "image/jpeg", "jpg", bare.width, bare.height)


def handle_upload(key: str, now: dt.datetime) -> str:
    """Process one uploaded object; returns what became of it (ready | refused:<reason> | orphan)."""
    named = bucket.parse_upload_key(key)
    photo = tx.get(Photo, Photo.key(named.customer_id, named.booking_id, named.slot)) if named else None
    if named is None or photo is None or not photo.is_live(now) or photo.photo_id != named.photo_id \
            or photo.status != "pending" or photo.upload_key != key:
        bucket.delete(key)  # nobody asked for this upload (or it came after its slot was given away)
        return "orphan"
    data = bucket.read(key, MAX_BYTES)
    if data is None:
        return "gone"
    try:
        result = clean(data, photo.content_type, int(photo.declared_size))
    except Refused as refused:
        bucket.delete(key)
        _mark(photo, [Photo.status.set("rejected"), Photo.rejected_because.set(refused.reason)])
        log.info("photo %s refused: %s", photo.photo_id, refused.reason)
        return f"refused:{refused.reason}"
    target = bucket.clean_key(photo.customer_id, photo.booking_id, photo.photo_id, result.extension)
    bucket.write(target, result.data, result.content_type)
    bucket.delete(key)
    done = _mark(photo, [
        Photo.status.set("ready"), Photo.clean_key.set(target), Photo.clean_type.set(result.content_type),
        Photo.width.set(result.width), Photo.height.set(result.height), Photo.clean_bytes.set(len(result.data)),
        Photo.uploaded_at.set(now),
    ])
    if not done:
        bucket.delete(target)  # erased or deleted while we worked: keep nothing
        return "orphan"
    return "ready"


def _mark(photo: Photo, actions: list[Any]) -> bool:
    try:
        tx.update(photo, actions, (Photo.photo_id == photo.photo_id) & (Photo.status == "pending"))
        return True
    except ConditionFailed:
        return False


def handle_event(event: dict[str, Any], now: dt.datetime) -> dict[str, int]:
    """An S3 event (``Records[].s3.object.key``, URL-encoded as S3 sends it): each created object once."""
    from urllib.parse import unquote_plus

    outcomes: dict[str, int] = {}
    for record in event.get("Records") or []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        key = unquote_plus(str(((record.get("s3") or {}).get("object") or {}).get("key") or ""))
        if not key.startswith(bucket.UPLOADS):
            continue
        outcome = handle_upload(key, now).split(":")[0]
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
