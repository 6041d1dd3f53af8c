"""Registerutdrag (GDPR art. 15) in a form a machine can read (art. 20).

Every attribute of every item stored about the customer is written out, by
its name in the model, so an attribute another capability adds later is
exported without a change here. Only the table's own plumbing (keys, index
keys, the item kind) is left out; the TTL becomes ``kept_until``. Each photo
comes with a link to its cleaned copy that works for ``PHOTO_LINK_HOURS``
(the bytes are not in the file; the link is how to fetch them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..core import clinic
from ..core.clock import iso_local
from ..payments import receipts
from ..store import ledger_repo, lookups, tx
from ..store.models import (
    AccessEntry,
    Booking,
    Complaint,
    Customer,
    EmailChange,
    EmailKey,
    Item,
    MarketingConsent,
    Message,
    OfferDelivery,
    OptIn,
    Photo,
)
from ..store.table import customer_of

PLUMBING = {"pk", "sk", "kind", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"}
SECTIONS: tuple[tuple[type[Item], str], ...] = (
    (Booking, "bookings"),
    (MarketingConsent, "marketing_consents"),
    (Message, "messages"),
    (EmailChange, "pending_email_changes"),
    (Complaint, "complaints"),
    (OptIn, "offer_lists"),             # the channels whose list of offers they are on
    (OfferDelivery, "offers_received"),  # which offer or follow-up went to them, by which channel
)
PHOTO_LINK_HOURS = 24
FORMAT = "allavie.registerutdrag.v1"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso_local(value)
    if hasattr(value, "as_dict"):  # a MapAttribute
        return {k: _plain(v) for k, v in value.as_dict().items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def facts(item: Item) -> dict[str, Any]:
    """Every stored attribute of one item, by name; the TTL as ``kept_until``."""
    out: dict[str, Any] = {}
    for name in sorted(type(item).get_attributes()):
        if name in PLUMBING:
            continue
        value = getattr(item, name)
        if value is None:
            continue
        out["kept_until" if name == "expires_at" else name] = _plain(value)
    return out


def _ledger(booking_ids: Iterable[str], now: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for booking_id in booking_ids:
        for entry in ledger_repo.entries(booking_id, now, consistent=False):
            rows.append(facts(entry))
    return rows


def _receipts(booking_ids: Iterable[str], now: dt.datetime) -> list[dict[str, Any]]:
    """The receipts and credit receipts of the customer's bookings (payments.receipts), by number."""
    return [facts(r) for booking_id in booking_ids for r in receipts.for_booking(booking_id, now)]


def export(customer_id: str, now: dt.datetime) -> dict[str, Any] | None:
    """The whole registerutdrag, or None when nothing is stored about the customer."""
    items = lookups.partition(customer_id, now)
    profile = next((i for i in items if isinstance(i, Customer)), None)
    if profile is None:
        return None
    here = clinic.current()
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": iso_local(now),
        "controller": {"name": f"{here.organisation} / {here.name}", "emails": list(here.emails), "phone": here.phone},
        "customer": facts(profile),
    }
    key = tx.get(EmailKey, EmailKey.key(profile.email)) if profile.email else None
    if key is not None and key.is_live(now) and key.customer_id == customer_id:
        document["email_address"] = {"email": profile.email, **facts(key)}
    for model, section in SECTIONS:
        document[section] = [facts(i) for i in items if isinstance(i, model) and not _to_clinic(i)]
    # What the clinic was told about the customer's bookings (its staff's e-mails: the back office).
    document["notices_to_clinic"] = [facts(i) for i in items if _to_clinic(i)]
    # Who at the clinic looked at the data, and when (every look by staff is logged: the back office).
    document["access_log"] = [access_entry(i) for i in items if isinstance(i, AccessEntry)]
    document["photos"] = [_photo(i, now) for i in items if isinstance(i, Photo) and i.status != "rejected"]
    known = tuple(m for m, _ in SECTIONS) + (Customer, AccessEntry, Photo)
    document["other"] = [{"kind": type(i).__name__, **facts(i)} for i in items if not isinstance(i, known)]
    booking_ids = [i.booking_id for i in items if isinstance(i, Booking)]
    document["payments"] = _ledger(booking_ids, now)
    document["receipts"] = _receipts(booking_ids, now)
    return document


def _photo(photo: Photo, now: dt.datetime) -> dict[str, Any]:
    """A photo's facts (where it is kept, when it came) and, once cleaned, a link to fetch it."""
    shown = {k: v for k, v in facts(photo).items() if k not in ("upload_key", "clean_key", "slot")}
    if photo.status == "ready" and photo.clean_key:
        from ..photos import bucket  # boto3, only when there is a photo to link

        shown["url"] = bucket.presign_get(photo.clean_key, photo.clean_type or "image/jpeg", PHOTO_LINK_HOURS * 3600)
        shown["url_valid_until"] = iso_local(now + dt.timedelta(hours=PHOTO_LINK_HOURS))
    return shown


def _to_clinic(item: Item) -> bool:
    return isinstance(item, Message) and item.purpose == "clinic_notice"


def access_entry(entry: AccessEntry) -> dict[str, Any]:
    """One line of the access log as the customer and the clinic's admins read it."""
    return {"at": iso_local(entry.first_at), "last_at": iso_local(entry.last_at), "views": int(entry.views or 1),
            "staff": entry.staff_id, "staff_name": entry.staff_name, "what": entry.what,
            "customer": customer_of(entry.pk)}


def file_name(now: dt.datetime) -> str:
    return f"registerutdrag-{now:%Y-%m-%d}.json"
