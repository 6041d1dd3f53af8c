"""The photo processing's checks and cleaning, pure (no bucket, no table): what a phone writes into a
photo is gone, the picture is upright and in sRGB, and what is not the declared photo is refused."""

from __future__ import annotations

import io

import pytest
from chalicelib.photos import bucket, processing
from chalicelib.photos.processing import Refused, clean
from PIL import Image
from support import photos


def test_a_jpeg_loses_exif_gps_xmp_icc_and_comments_and_stays_upright() -> None:
    data = photos.jpeg_with_gps((64, 48), orientation=6)
    result = clean(data, "image/jpeg", len(data))
    found = photos.metadata_of(result.data)
    assert (found["exif"], found["gps"], found["info"], found["raw_markers"]) == ({}, {}, [], [])
    assert (result.width, result.height, result.content_type) == (48, 64, "image/jpeg")


def test_png_keeps_transparency_but_not_its_text_chunks() -> None:
    result = clean(photos.png(), "image/png", 10_000)
    image = Image.open(io.BytesIO(result.data))
    assert image.mode == "RGBA" and image.info == {} or set(image.info) <= {"dpi"}
    assert b"made at home" not in result.data


def test_heic_becomes_a_clean_jpeg() -> None:
    data = photos.heic()
    result = clean(data, "image/heic", len(data))
    assert result.content_type == "image/jpeg" and photos.metadata_of(result.data)["gps"] == {}


def test_a_huge_photo_is_stored_at_most_4096_pixels_wide() -> None:
    out = io.BytesIO()
    Image.new("RGB", (6000, 3000), (1, 2, 3)).save(out, "JPEG")
    result = clean(out.getvalue(), "image/jpeg", len(out.getvalue()))
    assert (result.width, result.height) == (4096, 2048)


@pytest.mark.parametrize("data, declared, reason", [
    (photos.png(), "image/jpeg", "not_the_declared_type"),
    (b"GIF89a" + b"\0" * 100, "image/png", "not_the_declared_type"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 50, "image/jpeg", "unreadable"),
    (photos.bomb(), "image/png", "too_many_pixels"),
    (photos.png(), "image/gif", "type_not_allowed"),
])
def test_what_is_not_the_declared_photo_is_refused(data: bytes, declared: str, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        clean(data, declared, len(data))
    assert refused.value.reason in (reason, "not_the_declared_type", "unreadable")
    if reason in ("too_many_pixels", "type_not_allowed"):
        assert refused.value.reason == reason


def test_size_limits_are_checked_on_the_bytes_not_the_declaration() -> None:
    data = photos.jpeg_with_gps()
    with pytest.raises(Refused, match="larger_than_declared"):
        clean(data, "image/jpeg", len(data) - 1)
    with pytest.raises(Refused, match="too_large"):
        clean(data + b"\0" * processing.MAX_BYTES, "image/jpeg", processing.MAX_BYTES)


def test_upload_keys_name_their_customer_first_and_only_well_formed_ones_are_read() -> None:
    key = bucket.upload_key("c0ffee", "b" * 16, 3, "a" * 16)
    assert key == f"uploads/c0ffee/{'b' * 16}/3/{'a' * 16}"
    assert bucket.parse_upload_key(key) == bucket.UploadKey("c0ffee", "b" * 16, 3, "a" * 16)
    for bad in ("photos/c/b/1/p", "uploads/c/b/x/p", "uploads/c/b/1", "uploads/c/b/1/p/extra"):
        assert bucket.parse_upload_key(bad) is None
    with pytest.raises(ValueError):
        bucket.erase_customer("")
