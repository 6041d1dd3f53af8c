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
from ..store import calendar_repo
from ..store.models import BlockMarker, Item, SlotLock
from ..store.table import Condition
from ..store.tx import Tx
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
              keep_until: dt.datetime, customer_id: str | None = None) -> SlotLock:
    return SlotLock(*SlotLock.key(staff_id, unit), booking_id=booking_id, customer_id=customer_id,
                    hold_until=hold_until, expires_at=keep_until)


def unblocked() -> Condition:
    """No block covers the unit: no marker, or one whose last block was deleted (its set emptied)."""
    return BlockMarker.pk.does_not_exist() | BlockMarker.blocks.does_not_exist()


def check_unblocked(tx: Tx, clinic: Clinic, service: Service, staff_id: str, start: dt.datetime) -> None:
    """Add to a booking's transaction one condition check per unit of the treatment: no block there.

    A block writes its markers before it lists the bookings in its time (a consistent read), and
    DynamoDB serialises the two writes per unit: a booking is either before the block (and listed)
    or refused.
    """
    for unit in availability.treatment_units(clinic, service, start):
        tx.check("block", BlockMarker, BlockMarker.key(staff_id, unit), unblocked())


def unit_key(moment: dt.datetime) -> str:
    """A moment as the sort key of a unit (UTC, minutes), also used to order bookings in gsi1."""
    return calendar_repo.unit_key(moment)


def read_locks(clinic: Clinic, staff_ids: Iterable[str], first: dt.date, last: dt.date,
               now: dt.datetime) -> list[availability.Lock]:
    """The units taken from ``first`` to ``last``: one Query per staff member."""
    begin, end = availability.window(clinic, first, last)
    found = []
    for staff_id in staff_ids:
        for item in calendar_repo.free_time_units(staff_id, begin, end, now):
            unit = calendar_repo.unit_of(item)
            if isinstance(item, SlotLock):
                found.append(availability.Lock(staff_id, unit, item.hold_until))
            elif item.blocks:
                found.append(availability.Lock(staff_id, unit, blocked=True))
    return found


def free_slots(clinic: Clinic, service: Service, first: dt.date, last: dt.date, staff_id: str | None,
               now: dt.datetime, *, notice: bool = True) -> list[availability.Slot]:
    staff_ids = (staff_id,) if staff_id else service.staff
    locks = read_locks(clinic, staff_ids, first, last, now)
    return availability.free_slots(clinic, service, first, last, now, locks, staff_id, notice)


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
    """gsi1: CAL#<Stockholm month> / <start UTC>#<id>: the back office's calendar (13) and the reminders (6),
    a Query per month the range touches (a month of a clinic's bookings is a few hundred items)."""
    return calendar_repo.day_keys(clinic.tz, start, booking_id)


def bookings_between(clinic: Clinic, begin: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[Item]:
    """Every live booking starting from ``begin`` to before ``end``: one gsi1 Query per month."""
    return calendar_repo.bookings_between(clinic.tz, begin, end, now)
