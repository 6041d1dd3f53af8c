"""Blocked time of a staff member (a sick day, a course, lunch): it leaves availability and cannot be booked.

A block is one ``Block`` item (for the calendar) and one ``BlockMarker`` per grid unit it covers
within opening hours (``LOCK#<staff>`` / ``<unit>#B``), each naming the blocks on it. Every booking
transaction checks the markers of its treatment's units (``booking.locks.check_unblocked``), so:

1. the block writes its markers, then
2. lists the bookings already in its time by a consistent read of the staff member's locks.

DynamoDB orders the two writes on each unit: a booking that committed first is listed in 2, one that
comes after is refused. Deleting a block removes only its own id from the markers and deletes a
marker only when no other block names it, so overlapping blocks never free each other's time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..booking import availability
from ..core import clinic as clinic_module
from ..core.errors import Invalid, NotFound
from ..core.ids import new_id
from ..store import calendar_repo, lookups, tx
from ..store.models import Block, BlockMarker, Booking, SlotLock
from ..store.tx import Write, write_all
from .sessions import StaffUser

MAX_DAYS = 31
MAX_REASON = 200
KEEP = dt.timedelta(days=400)  # past blocks stay on the calendar for a year (no personal data)
MARKER_KEEP = dt.timedelta(days=1)


@dataclass
class Created:
    block: Block
    conflicts: list[Booking]


def _units(staff_id: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    clinic = clinic_module.current()
    if end <= start:
        raise Invalid(fields={"end": "end_before_start"})
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise Invalid(fields={"end": "block_too_long"})
    return availability.grid_units(clinic, start, end)


def create(user: StaffUser, staff_id: str, start: dt.datetime, end: dt.datetime, reason: str,
           now: dt.datetime) -> Created:
    """Block ``start``..``end`` for ``staff_id``; returns the block and the bookings already in that time."""
    units = _units(staff_id, start, end)
    if not units:
        raise Invalid(fields={"start": "no_opening_hours"})
    block_id = new_id()[:16]
    gsi1pk, gsi1sk = calendar_repo.block_index(end, block_id)
    block = Block(*Block.key(block_id), block_id=block_id, staff_id=staff_id, start=start, end=end, reason=reason,
                  created_by=user.id, created_at=now, gsi1pk=gsi1pk, gsi1sk=gsi1sk, expires_at=end + KEEP)
    tx.put(block, Block.pk.does_not_exist())
    markers = [Write(BlockMarker(*BlockMarker.key(staff_id, unit)), None, [
        BlockMarker.kind.set(BlockMarker), BlockMarker.blocks.add({block_id}),
        BlockMarker.expires_at.set(unit + MARKER_KEEP),
    ]) for unit in units]
    written = write_all(markers)
    if written.skipped:  # unconditional upserts: nothing may be left out
        raise RuntimeError(f"block {block_id}: {len(written.skipped)} markers not written")
    return Created(block, conflicts(staff_id, start, end, units, now))


def conflicts(staff_id: str, start: dt.datetime, end: dt.datetime, units: list[dt.datetime],
              now: dt.datetime) -> list[Booking]:
    """The bookings whose treatment lies in the block: a consistent read of the staff member's locks there."""
    seen: dict[str, str | None] = {}
    for item in calendar_repo.units_in_block(staff_id, units[0], units[-1]):
        if isinstance(item, SlotLock) and item.is_live(now) and (item.hold_until is None or item.hold_until > now):
            seen.setdefault(item.booking_id, item.customer_id)
    found = []
    for booking_id, customer_id in seen.items():
        booking = (lookups.booking(customer_id, booking_id, now) if customer_id
                   else lookups.booking_by_id(booking_id, now))
        if (booking is not None and booking.status in ("confirmed", "awaiting_payment")
                and booking.start < end and booking.end > start):
            found.append(booking)
    return sorted(found, key=lambda b: b.start)


def get(block_id: str, now: dt.datetime) -> Block:
    if not (isinstance(block_id, str) and len(block_id) == 16 and all(c in "0123456789abcdef" for c in block_id)):
        raise NotFound()
    block = tx.get(Block, Block.key(block_id))
    if block is None or not block.is_live(now):
        raise NotFound()
    return block


def delete(block_id: str, now: dt.datetime) -> None:
    """Free the block's time, except where another block still covers it."""
    block = get(block_id, now)
    # Its markers as they were written (the opening hours may have changed since): one Query of its time.
    keys = [(m.pk, m.sk) for m in calendar_repo.block_markers(block.staff_id, block.start, block.end)
            if block_id in (m.blocks or set())]
    write_all([Write(BlockMarker(*key), BlockMarker.pk.exists(), [BlockMarker.blocks.delete({block_id})])
               for key in keys])
    # A marker that no block names any more goes (one that another block took meanwhile stays).
    write_all([Write(BlockMarker(*key), BlockMarker.blocks.does_not_exist()) for key in keys])
    tx.delete(block)
