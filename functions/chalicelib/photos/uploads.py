"""A booking's photos as the customer (and the clinic) see them: ask to upload, list, delete.

The API never carries a photo's bytes: ``start`` answers a presigned POST that fixes
the key, the content type and the size range, and the browser sends the file to the
private bucket itself. What arrives is checked and cleaned by ``processing`` (its own
Lambda) before anybody sees it; until then the photo is ``pending`` and has no link.

At most five photos per booking: each takes one of five slots with a conditional put,
so five requests at once cannot make a sixth. A slot whose upload window passed without
a file is free again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core import clock, ids
from ..core.errors import Conflict, Invalid, NotFound
from ..core.fields import FieldError
from ..store import customer_repo, tx
from ..store.errors import ConditionFailed
from ..store.models import MAX_PHOTOS_PER_BOOKING, Booking, Customer, Photo
from . import bucket

MAX_BYTES = 10 * 1024 * 1024
# What the browser may declare; the processing decodes the file and keeps it only if it is what it says.
CONTENT_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/heic": "HEIF", "image/heif": "HEIF"}
OPEN_STATUSES = ("awaiting_payment", "confirmed", "completed")  # a cancelled booking takes no photos

# Records a staff member's look at a customer's data: (customer id, kind of look), the back office's
# ``staff.access.record`` for its signed-in member (staff sits above photos: it hands this in).
RecordView = Callable[[str, str], None]


def content_type(value: object) -> str:
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    wanted = value.strip().lower()
    if wanted not in CONTENT_TYPES:
        raise FieldError("photo_type")
    return wanted


def size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("type" if value is not None else "required")
    if value <= 0:
        raise FieldError("invalid")
    if value > MAX_BYTES:
        raise FieldError("photo_too_large")
    return value


@dataclass(frozen=True)
class Started:
    photo: Photo
    upload: dict[str, Any]  # {"url", "fields"}: the form the browser POSTs with the file last


def booking_photos(customer_id: str, booking_id: str, now: dt.datetime) -> list[Photo]:
    """The booking's photo slots that are live (one Query of the customer's partition), by slot."""
    return sorted(customer_repo.booking_photos(customer_id, booking_id, now), key=lambda p: int(p.slot))


def _free(photo: Photo, now: dt.datetime) -> bool:
    return photo.status == "pending" and photo.upload_until <= now


def start(customer: Customer, booking: Booking, wanted_type: str, declared_size: int, now: dt.datetime) -> Started:
    """Reserve a slot and presign its upload; 409 ``too_many_photos`` when five are taken."""
    if booking.status not in OPEN_STATUSES:
        raise Conflict("photos_closed")
    taken = {int(p.slot) for p in booking_photos(customer.customer_id, booking.booking_id, now) if not _free(p, now)}
    for slot in range(1, MAX_PHOTOS_PER_BOOKING + 1):
        if slot in taken:
            continue
        photo_id = ids.new_id()[:16]
        key = bucket.upload_key(customer.customer_id, booking.booking_id, slot, photo_id)
        photo = Photo(
            *Photo.key(customer.customer_id, booking.booking_id, slot), photo_id=photo_id,
            booking_id=booking.booking_id, customer_id=customer.customer_id, slot=slot, status="pending",
            content_type=wanted_type, declared_size=declared_size, upload_key=key,
            upload_until=now + dt.timedelta(seconds=bucket.POST_SECONDS), created_at=now,
            expires_at=customer.expires_at,
        )
        try:
            # A free slot: nobody's, or a pending upload whose window has passed (its late file is refused).
            tx.put(photo, Photo.pk.does_not_exist() | ((Photo.status == "pending") & (Photo.upload_until <= now)))
        except ConditionFailed:
            continue  # taken meanwhile by another request: try the next one
        return Started(photo, bucket.presign_post(key, wanted_type, min(declared_size, MAX_BYTES)))
    raise Conflict("too_many_photos")


def public(photo: Photo) -> dict[str, Any]:
    """A photo as the API shows it; ``url`` only for a cleaned copy, and short-lived."""
    ready = photo.status == "ready" and photo.clean_key is not None
    return {
        "id": photo.photo_id,
        "status": photo.status,
        "url": bucket.presign_get(str(photo.clean_key), str(photo.clean_type or "image/jpeg")) if ready else None,
        "uploaded_at": clock.iso_local(photo.uploaded_at) if photo.uploaded_at else None,
        "created_at": clock.iso_local(photo.created_at),
    }


def listing(customer_id: str, booking_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    """The booking's photos that are ready or on their way (a refused or abandoned upload is not listed)."""
    return [public(p) for p in booking_photos(customer_id, booking_id, now)
            if p.status == "ready" or (p.status == "pending" and not _free(p, now))]


def photo_id(value: str) -> str:
    if not (len(value or "") == 16 and all(ch in "0123456789abcdef" for ch in value)):
        raise NotFound()
    return value


def remove(customer_id: str, booking_id: str, wanted: str, now: dt.datetime) -> None:
    """Delete one photo: its objects first, then the item (a retry finds the item and finishes)."""
    found = next((p for p in booking_photos(customer_id, booking_id, now) if p.photo_id == photo_id(wanted)), None)
    if found is None:
        raise NotFound()
    bucket.delete(found.upload_key, found.clean_key or "")
    try:
        tx.delete(found, Photo.photo_id == found.photo_id)
    except ConditionFailed:
        pass  # deleted (or the slot reused) meanwhile: this photo is gone either way


def staff_listing(customer_id: str, booking_id: str, staff_id: str, now: dt.datetime,
                  record: RecordView) -> list[dict[str, Any]]:
    """What the back office shows of a booking's photos; the look is logged before any link is made."""
    if not staff_id:
        raise Invalid(fields={"staff": "required"})
    record(customer_id, "photos")
    return listing(customer_id, booking_id, now)


def erase_objects(customer_id: str) -> int:
    """Every object of a customer in the bucket (erasure, retention)."""
    return bucket.erase_customer(customer_id)
