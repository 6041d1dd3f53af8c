"""Time units in storage: one SlotLock per grid unit a booking holds, per staff member.

A unit is free if nobody holds it or if an unpaid hold has lapsed; taking it
is a conditional put inside the booking's transaction, so two bookings can
never share a unit (pattern 1 reads them, pattern 2 takes them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..core.clinic import Clinic, Service
from ..core.errors import Invalid
from ..store.models import SlotLock, live
from ..store.table import Condition
from . import availability

LOCK_KEEP = dt.timedelta(days=1)  # a lock outlives its appointment by this, then TTL removes it


def lock_free(now: dt.datetime) -> Condition:
    """A unit nobody holds, or whose unpaid hold has lapsed.

    A hold lapses AT ``hold_until`` (``<=``), as availability, cancel and expiry count it:
    with ``<`` the slot was shown free at exactly 15 minutes and taking it was 409.
    """
    return SlotLock.pk.does_not_exist() | (SlotLock.hold_until <= now)


def lock_ours(booking_id: str) -> Condition:
    return SlotLock.pk.exists() & (SlotLock.booking_id == booking_id)


def lock_item(staff_id: str, unit: dt.datetime, booking_id: str, hold_until: dt.datetime | None,
              keep_until: dt.datetime) -> SlotLock:
    return SlotLock(*SlotLock.key(staff_id, unit), booking_id=booking_id, hold_until=hold_until, expires_at=keep_until)


def unit_key(moment: dt.datetime) -> str:
    """A moment as the sort key of a unit (UTC, minutes), also used to order bookings in gsi1."""
    return SlotLock.key("-", moment)[1]


def read_locks(clinic: Clinic, staff_ids: Iterable[str], first: dt.date, last: dt.date,
               now: dt.datetime) -> list[availability.Lock]:
    """The units taken from ``first`` to ``last``: one Query per staff member."""
    begin, end = availability.window(clinic, first, last)
    low, high = unit_key(begin), unit_key(end)
    found = []
    for staff_id in staff_ids:
        for lock in SlotLock.query(f"LOCK#{staff_id}", SlotLock.sk.between(low, high), filter_condition=live(now)):
            unit = dt.datetime.strptime(lock.sk, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.timezone.utc)
            found.append(availability.Lock(staff_id, unit, lock.hold_until))
    return found


def free_slots(clinic: Clinic, service: Service, first: dt.date, last: dt.date, staff_id: str | None,
               now: dt.datetime) -> list[availability.Slot]:
    staff_ids = (staff_id,) if staff_id else service.staff
    locks = read_locks(clinic, staff_ids, first, last, now)
    return availability.free_slots(clinic, service, first, last, now, locks, staff_id)


def check_range(clinic: Clinic, first: dt.date, last: dt.date, now: dt.datetime) -> None:
    """``GET /availability``'s range: in order, not in the past, at most ``max_range_days``."""
    today = now.astimezone(clinic.tz).date()
    if last < first:
        raise Invalid(fields={"to": "range_order"})
    if last < today or first < today:
        raise Invalid(fields={"from": "past"})
    if (last - first).days + 1 > clinic.rules.max_range_days:
        raise Invalid(fields={"to": "range_too_long"})
    if first > clinic.rules.horizon(now).astimezone(clinic.tz).date():
        raise Invalid(fields={"from": "too_far"})  # nothing is offered that far ahead


def day_keys(clinic: Clinic, start: dt.datetime, booking_id: str) -> tuple[str, str]:
    """gsi1: DAY#<Stockholm date> / <start UTC>#<id>, for the reminders (pattern 6)."""
    day = start.astimezone(clinic.tz).date().isoformat()
    return f"DAY#{day}", f"{unit_key(start)}#{booking_id}"
