"""The back office's calendar (13): every booking of all staff (or one) over at most 31 days, with
their blocked time.

Bounded reads, never one per day and never a Scan: one gsi1 Query per Stockholm month the range
touches (``CAL#<yyyy-mm>``, sorted by start: at most two), one gsi1 Query of ``BLOCKS`` (sorted by
end: the blocks still running after the first day), and one BatchGetItem of the customers' profiles.
Showing it is a look at each customer's data: the access log records it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..booking import availability
from ..booking.locks import bookings_between
from ..core import clinic as clinic_module
from ..core.errors import Invalid
from ..store import calendar_repo
from ..store.models import Block, Booking
from . import access, views
from .sessions import StaffUser

MAX_DAYS = 31


def check_range(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise Invalid(fields={"to": "range_order"})
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(fields={"to": "range_too_long_31"})


def active(booking: Booking, now: dt.datetime) -> bool:
    """On the calendar: not cancelled, and not an unpaid hold that has lapsed."""
    if booking.status == "cancelled":
        return False
    return not (booking.status == "awaiting_payment" and booking.hold_until is not None and booking.hold_until <= now)


def bookings(begin: dt.datetime, end: dt.datetime, staff_id: str | None, now: dt.datetime) -> list[Booking]:
    clinic = clinic_module.current()
    found = [b for b in bookings_between(clinic, begin, end, now) if isinstance(b, Booking) and active(b, now)]
    return [b for b in found if staff_id is None or b.staff_id == staff_id]


def blocks(begin: dt.datetime, end: dt.datetime, staff_id: str | None, now: dt.datetime) -> list[Block]:
    """The blocks overlapping ``begin``..``end``: one Query of gsi1 ``BLOCKS`` from ``begin`` on (by end)."""
    found = calendar_repo.blocks_running(begin, now)
    return [b for b in found if b.start < end
            and (staff_id is None or b.staff_id == staff_id)]


def calendar(user: StaffUser, first: dt.date, last: dt.date, staff_id: str | None, now: dt.datetime) -> dict[str, Any]:
    """``GET /staff/calendar``: bookings (with customer, note, payment) and blocks, by start."""
    check_range(first, last)
    begin, end = availability.window(clinic_module.current(), first, last)
    found = sorted(bookings(begin, end, staff_id, now), key=lambda b: (b.start, b.staff_id))
    people = views.profiles((b.customer_id for b in found), now)
    access.record(user, ((b.customer_id, b.expires_at) for b in found), "calendar", now)
    return {
        "from": first.isoformat(), "to": last.isoformat(),
        "bookings": [views.booking(b, people.get(b.customer_id)) for b in found],
        "blocks": [views.block(b) for b in sorted(blocks(begin, end, staff_id, now), key=lambda b: b.start)],
    }
