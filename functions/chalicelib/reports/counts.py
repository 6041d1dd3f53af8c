"""What one source item counts for in the per-day aggregates (pure): a booking on the Stockholm day it
starts, a ledger row on the day the money moved. Keys of a day's flat counts:

``bookings``, ``cancelled_by_customer``, ``cancelled_by_clinic``, ``no_shows``, ``completed``,
``booked_minutes`` (treatment minutes without the buffer, no-shows included), ``new_customers`` (the day their
first booking ever starts), ``returning`` (bookings by customers who had one on an earlier day),
``rev:<kind>`` (öre, signed), ``svc:<service>:bookings``, ``svc:<service>:rev``, ``staff:<id>:minutes``,
``page:<path>`` (views). None names a customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.clock import STOCKHOLM
from . import revenue

ACTIVE = ("confirmed", "completed", "no_show")
NEW_CUSTOMERS = "new_customers"


@dataclass(frozen=True)
class BookingFacts:
    """The parts of a booking the reports read."""

    booking_id: str
    customer_id: str
    service_id: str
    staff_id: str
    start: dt.datetime
    end: dt.datetime
    status: str
    cancelled_by: str | None
    outcome: str | None = None


def day_of(moment: dt.datetime) -> str:
    return moment.astimezone(STOCKHOLM).date().isoformat()


def booking(facts: BookingFacts, first: tuple[str, str] | None) -> dict[str, dict[str, int]]:
    """A booking's counts on its day. ``first``: (day, booking id) of the customer's first booking: that
    booking counts them as new, a later day's as ``returning``. An unpaid hold counts for nothing; a
    cancellation only as one."""
    first_day = first[0] if first else None
    day = day_of(facts.start)
    status = facts.outcome if facts.status == "confirmed" and facts.outcome in ("completed", "no_show") \
        else facts.status
    if status == "cancelled":
        if facts.cancelled_by == "system":  # a hold nobody paid, or an erasure: never a visit lost
            return {}
        return {day: {"cancelled_by_clinic" if facts.cancelled_by == "clinic" else "cancelled_by_customer": 1}}
    if status not in ACTIVE:
        return {}
    minutes = max(0, int((facts.end - facts.start).total_seconds() // 60))
    counts = {
        "bookings": 1, "booked_minutes": minutes,
        f"svc:{facts.service_id}:bookings": 1, f"staff:{facts.staff_id}:minutes": minutes,
    }
    if status == "completed":
        counts["completed"] = 1
    if status == "no_show":
        counts["no_shows"] = 1
    if first_day is not None and first_day < day:
        counts["returning"] = 1
    if first is not None and first[1] == facts.booking_id:
        counts[NEW_CUSTOMERS] = 1
    return {day: counts}


def ledger_row(booked_on: str, entry_type: str, channel: str | None, amount_ore: int,
               service_id: str | None) -> dict[str, dict[str, int]]:
    """A ledger row's revenue on the day the money moved (a refund negative), and its treatment's."""
    counts = {f"rev:{revenue.kind_of(entry_type, channel)}": amount_ore}
    if service_id:
        counts[f"svc:{service_id}:rev"] = amount_ore
    return {booked_on: counts}
