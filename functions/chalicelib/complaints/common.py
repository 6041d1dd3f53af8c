"""What both sides of a complaint share: reading one, showing one, writing a change of it."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from ..core import clock
from ..retention.expiry import refresh as refresh_expiry
from ..store import customer_repo, tx
from ..store.models import OPEN_COMPLAINTS, Complaint, ComplaintMessage, Customer, live
from ..store.tx import Tx

log = logging.getLogger(__name__)

CLOSED_COMPLAINTS = customer_repo.CLOSED_COMPLAINTS
MAX_MESSAGES = 40  # a thread longer than this is a phone call


def index_sk(at: dt.datetime, customer_id: str, complaint_id: str) -> str:
    return customer_repo.complaint_index(False, at, customer_id, complaint_id)[1]


def of_customer(customer_id: str, now: dt.datetime) -> list[Complaint]:
    """A customer's complaints (pattern 18: one Query of their partition), oldest first."""
    return sorted(customer_repo.complaints(customer_id, now), key=lambda c: c.created_at)


def one(customer_id: str, complaint_id: str, now: dt.datetime) -> Complaint | None:
    found = tx.get(Complaint, Complaint.key(customer_id, complaint_id))
    return found if found is not None and found.is_live(now) else None


def message(author: str, text: str, at: dt.datetime, staff_id: str | None = None) -> ComplaintMessage:
    return ComplaintMessage(author=author, staff_id=staff_id, text=text, at=at)


def public(complaint: Complaint, *, for_staff: bool = False) -> dict[str, Any]:
    """A complaint as the API shows it; the clinic's side sees who at the clinic wrote."""
    shown: dict[str, Any] = {
        "id": complaint.complaint_id,
        "booking": complaint.booking_id,
        "status": complaint.status,
        "created_at": clock.iso_local(complaint.created_at),
        "text": complaint.messages[0].text if complaint.messages else "",
        "messages": [
            {"author": m.author, "text": m.text, "at": clock.iso_local(m.at),
             **({"staff": m.staff_id} if for_staff and m.staff_id else {})}
            for m in complaint.messages
        ],
        "outcome": complaint.outcome,
        "outcome_note": complaint.outcome_note,
        "refund_sek": int(complaint.refund_sek) if complaint.refund_sek is not None else None,
        "closed_at": clock.iso_local(complaint.closed_at) if complaint.closed_at else None,
    }
    if for_staff:
        shown["customer"] = complaint.customer_id
    return shown


def as_written(complaint: Complaint, **changes: Any) -> Complaint:
    """The item as the update just wrote it (no read after the write)."""
    copy = Complaint.from_raw_data(complaint.serialize())
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def customer_live(change: Tx, customer_id: str, now: dt.datetime) -> None:
    """Part of ``change``: the customer's profile is still there and live (an erasure ends it first, so
    nothing is added to a customer being erased). Its label is ``customer``."""
    change.check("customer", Customer, Customer.key(customer_id), Customer.pk.exists() & live(now))


def moved_expiry(customer_id: str, now: dt.datetime) -> None:
    """A complaint is customer activity: the customer's data is kept 36 months after it is closed."""
    try:
        refresh_expiry(customer_id, now)
    except Exception:  # noqa: BLE001 - the complaint stands; the next refresh moves the date
        log.exception("expiry of %s not moved after a complaint", customer_id)


__all__ = ["CLOSED_COMPLAINTS", "MAX_MESSAGES", "OPEN_COMPLAINTS", "as_written", "customer_live", "index_sk", "message",
           "moved_expiry", "of_customer", "one", "public"]
