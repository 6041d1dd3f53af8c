"""What else lives in a customer's partition (``CUST#<cid>``) and is read by part: the access log
(pattern 15), a booking's photos and the customer's complaints (18), the open and closed complaints of
the clinic (gsi1 ``COMPLAINTS#open`` / ``COMPLAINTS#closed``). The whole partition and the profiles are
``lookups``."""

from __future__ import annotations

import datetime as dt

from .engine import Query, Range, engine
from .models import OPEN_COMPLAINTS, AccessEntry, Complaint, Photo, customer_pk

CLOSED_COMPLAINTS = "COMPLAINTS#closed"


def access_key(customer_id: str, day: dt.date, staff_id: str, what: str) -> tuple[str, str]:
    """One line of the access log: a staff member, a kind of look, a Stockholm day."""
    return customer_pk(customer_id), f"{AccessEntry.prefix()}{day.isoformat()}#{staff_id}#{what}"


def access_log(customer_id: str, now: dt.datetime) -> list[AccessEntry]:
    """Pattern 15: the customer's live access log (one consistent Query of ``ACCESS#``)."""
    found = engine().query(Query(customer_pk(customer_id), Range("begins", AccessEntry.prefix()), model=AccessEntry,
                                 live_at=now, consistent=True))
    return [entry for entry in found if isinstance(entry, AccessEntry)]


def booking_photos(customer_id: str, booking_id: str, now: dt.datetime) -> list[Photo]:
    """Pattern 18: a booking's live photo slots (one consistent Query of ``PHOTO#<bid>#``)."""
    found = engine().query(Query(customer_pk(customer_id), Range("begins", Photo.booking_prefix(booking_id)),
                                 live_at=now, consistent=True))
    return [photo for photo in found if isinstance(photo, Photo)]


def complaints(customer_id: str, now: dt.datetime) -> list[Complaint]:
    """Pattern 18: a customer's live complaints (one consistent Query of ``COMPLAINT#``)."""
    found = engine().query(Query(customer_pk(customer_id), Range("begins", "COMPLAINT#"), live_at=now,
                                 consistent=True))
    return [complaint for complaint in found if isinstance(complaint, Complaint)]


def complaint_index(closed: bool, at: dt.datetime, customer_id: str, complaint_id: str) -> tuple[str, str]:
    """A complaint's gsi1 keys: open ones by when filed, closed ones by when closed."""
    return (CLOSED_COMPLAINTS if closed else OPEN_COMPLAINTS,
            f"{at.astimezone(dt.timezone.utc).isoformat(timespec='seconds')}#{customer_id}#{complaint_id}")


def clinic_complaints(closed: bool, now: dt.datetime, limit: int) -> list[Complaint]:
    """Pattern 18: the open complaints oldest first, or the latest closed ones (one Query of gsi1)."""
    found = engine().query(Query(CLOSED_COMPLAINTS if closed else OPEN_COMPLAINTS, index="gsi1", live_at=now,
                                 forward=not closed, limit=limit))
    return [complaint for complaint in found if isinstance(complaint, Complaint)]
