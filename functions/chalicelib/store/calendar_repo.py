"""Calendar and locks: the time units of each staff member (``LOCK#<staff>``), the bookings by Stockholm
month (gsi1 ``CAL#<yyyy-mm>``) and the blocks by end (gsi1 ``BLOCKS``). Patterns 1, 6 and 13 of
docs/architecture.md; the keys of these items are built here and nowhere else."""

from __future__ import annotations

import datetime as dt

from .engine import Query, Range, engine
from .models import Block, BlockMarker, Item, SlotLock

BLOCKS = "BLOCKS"


def unit_key(moment: dt.datetime) -> str:
    """A moment as the sort key of a unit (UTC, minutes), also the order of bookings and blocks in gsi1."""
    return SlotLock.key("-", moment)[1]


def unit_of(item: SlotLock | BlockMarker) -> dt.datetime:
    """The start of the unit a lock or a block's marker is for."""
    return dt.datetime.strptime(item.sk[:17], "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.timezone.utc)


def _units(staff_id: str, low: str, high: str, *, now: dt.datetime | None = None, consistent: bool = False,
           booking_id: str | None = None) -> list[SlotLock | BlockMarker]:
    query = Query(SlotLock.partition(staff_id), Range("between", low, high),
                  live_at=now, consistent=consistent,
                  model=SlotLock if booking_id else Item, where=("booking_id", booking_id) if booking_id else None)
    return [item for item in engine().query(query) if isinstance(item, (SlotLock, BlockMarker))]


def free_time_units(staff_id: str, begin: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[SlotLock | BlockMarker]:
    """Pattern 1: the live locks and block markers of one staff member's units from ``begin`` through ``end``
    (a unit's SlotLock and its marker ``<unit>#B`` sort together: one Query sees both)."""
    return _units(staff_id, unit_key(begin), unit_key(end) + "~", now=now)


def units_in_block(staff_id: str, first: dt.datetime, last: dt.datetime) -> list[SlotLock | BlockMarker]:
    """Pattern 13: the locks and markers of the units ``first`` through ``last``, read consistently (a block
    lists the bookings in its time after writing its markers); expired ones included."""
    return _units(staff_id, unit_key(first), unit_key(last) + "~", consistent=True)


def block_markers(staff_id: str, start: dt.datetime, end: dt.datetime) -> list[BlockMarker]:
    """Pattern 13: the markers from ``start`` to ``end`` (the end unit's own marker not included), consistent."""
    return [m for m in _units(staff_id, unit_key(start), unit_key(end), consistent=True) if isinstance(m, BlockMarker)]


def locks_of_booking(staff_id: str, start: dt.datetime, until: dt.datetime, booking_id: str) -> list[SlotLock]:
    """The locks a booking holds from ``start`` through ``until`` (consistent; expired ones included)."""
    found = _units(staff_id, unit_key(start), unit_key(until), consistent=True, booking_id=booking_id)
    return [lock for lock in found if isinstance(lock, SlotLock)]


def month_key(tz: dt.tzinfo, moment: dt.datetime) -> str:
    return f"CAL#{moment.astimezone(tz):%Y-%m}"


def month_keys(tz: dt.tzinfo, begin: dt.datetime, end: dt.datetime) -> list[str]:
    """The CAL# partitions from ``begin`` to ``end`` (UTC instants), in order."""
    keys: list[str] = []
    first, last = begin.astimezone(tz).date().replace(day=1), end.astimezone(tz).date()
    while first <= last:
        keys.append(f"CAL#{first:%Y-%m}")
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return keys


def day_keys(tz: dt.tzinfo, start: dt.datetime, booking_id: str) -> tuple[str, str]:
    """A booking's gsi1 keys: CAL#<Stockholm month> / <start UTC>#<id> (patterns 6 and 13)."""
    return month_key(tz, start), f"{unit_key(start)}#{booking_id}"


def bookings_between(tz: dt.tzinfo, begin: dt.datetime, end: dt.datetime, now: dt.datetime) -> list[Item]:
    """Patterns 6 and 13: every live booking starting from ``begin`` through ``end``, one gsi1 Query per month."""
    found: list[Item] = []
    for key in month_keys(tz, begin, end):
        found += engine().query(Query(key, Range("between", unit_key(begin), unit_key(end)), "gsi1", live_at=now))
    return found


def block_index(end: dt.datetime, block_id: str) -> tuple[str, str]:
    """A block's gsi1 keys: BLOCKS / <end UTC>#<id> (sorted by end)."""
    return BLOCKS, f"{unit_key(end)}#{block_id}"


def blocks_running(begin: dt.datetime, now: dt.datetime) -> list[Block]:
    """Pattern 13: the live blocks ending after ``begin`` (one Query of gsi1 ``BLOCKS``)."""
    found = engine().query(Query(BLOCKS, Range(">", unit_key(begin)), "gsi1", live_at=now))
    return [block for block in found if isinstance(block, Block)]
