"""Booking's free time on the in-memory table (``store.memory``): what a lock, a lapsed hold, a block and an
expired lock do to the slots offered, and the clock changes of 2027 (moved here from
tests/functional/test_booking_api.py: they read and write nothing a server must prove). Taking a slot,
its conditions and its races stay functional (test_booking_api, test_booking_concurrency)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from chalicelib.booking import locks
from chalicelib.core import clinic
from chalicelib.store import engine
from chalicelib.store.memory import MemoryTable
from chalicelib.store.models import BlockMarker, SlotLock

CLINIC = clinic.load()
CONSULTATION = CLINIC.service("konsultation")
NOW = dt.datetime.fromisoformat("2027-03-20T12:00:00+01:00")  # a Saturday, ten days before
TUESDAY = dt.date(2027, 3, 30)


@pytest.fixture()
def table() -> Iterator[MemoryTable]:
    with engine.use(MemoryTable()) as memory:
        assert isinstance(memory, MemoryTable)
        yield memory


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def starts(day: dt.date, staff: str | None = "sara", now: dt.datetime = NOW) -> list[str]:
    slots = locks.free_slots(CLINIC, CONSULTATION, day, day, staff, now)
    return [s.start.astimezone(CLINIC.tz).isoformat() for s in slots]


def lock(staff: str, start: str, *, hold_until: dt.datetime | None = None,
         expires: dt.datetime | None = None) -> SlotLock:
    return SlotLock(*SlotLock.key(staff, at(start)), booking_id="b1", hold_until=hold_until,
                    expires_at=expires or at(start) + locks.LOCK_KEEP)


def test_availability_across_both_clock_changes_of_2027(table: MemoryTable) -> None:
    spring = [s.start.astimezone(CLINIC.tz).isoformat()
              for s in locks.free_slots(CLINIC, CONSULTATION, dt.date(2027, 3, 26), TUESDAY, None, NOW)]
    assert spring[0] == "2027-03-27T10:00:00+01:00"            # Saturday, still winter time
    assert "2027-03-27T13:30:00+01:00" in spring and "2027-03-27T13:45:00+01:00" not in spring
    assert not any(s.startswith(("2027-03-26", "2027-03-28", "2027-03-29")) for s in spring)  # closed days
    tuesday = [s for s in spring if s.startswith("2027-03-30")]
    assert tuesday[0] == "2027-03-30T09:00:00+02:00" and tuesday[-1] == "2027-03-30T17:30:00+02:00"
    assert len(tuesday) == 35

    autumn_now = at("2027-10-25T12:00:00+01:00")
    autumn = [s.start.astimezone(CLINIC.tz).isoformat()
              for s in locks.free_slots(CLINIC, CONSULTATION, dt.date(2027, 10, 30), dt.date(2027, 11, 1), None,
                                        autumn_now)]
    assert autumn[0] == "2027-10-30T10:00:00+02:00"
    assert not any(s.startswith("2027-10-31") for s in autumn)
    monday = [s for s in autumn if s.startswith("2027-11-01")]
    assert monday[0] == "2027-11-01T09:00:00+01:00" and len(monday) == 35


def test_a_held_unit_is_not_offered_and_its_neighbours_are(table: MemoryTable) -> None:
    free = starts(TUESDAY)
    assert "2027-03-30T10:00:00+02:00" in free
    table.put(lock("sara", "2027-03-30T10:00:00+02:00"))
    held = starts(TUESDAY)
    assert "2027-03-30T10:00:00+02:00" not in held
    assert set(free) - set(held) and "2027-03-30T11:00:00+02:00" in held
    assert "2027-03-30T10:00:00+02:00" in starts(TUESDAY, "anna")  # another staff member's time


def test_an_unpaid_hold_frees_its_unit_at_the_moment_it_lapses(table: MemoryTable) -> None:
    lapses = NOW + dt.timedelta(minutes=15)
    table.put(lock("sara", "2027-03-30T10:00:00+02:00", hold_until=lapses))
    assert "2027-03-30T10:00:00+02:00" not in starts(TUESDAY, now=lapses - dt.timedelta(seconds=1))
    assert "2027-03-30T10:00:00+02:00" in starts(TUESDAY, now=lapses)  # ``<=``, as taking it counts


def test_a_block_hides_its_units_until_its_last_block_is_deleted(table: MemoryTable) -> None:
    marker = table.put(BlockMarker(*BlockMarker.key("sara", at("2027-03-30T14:00:00+02:00")), blocks={"blk1"},
                                   expires_at=at("2027-03-31T14:00:00+02:00")))
    assert "2027-03-30T14:00:00+02:00" not in starts(TUESDAY)
    assert "2027-03-30T14:00:00+02:00" in starts(TUESDAY, "anna")
    marker.blocks = None  # the set emptied by deleting its last block
    assert "2027-03-30T14:00:00+02:00" in starts(TUESDAY)


def test_an_expired_lock_counts_as_absent_before_ttl_removes_it(table: MemoryTable) -> None:
    table.put(lock("sara", "2027-03-30T10:00:00+02:00", expires=NOW - dt.timedelta(seconds=1)))
    assert "2027-03-30T10:00:00+02:00" in starts(TUESDAY)


def test_free_time_is_one_query_of_each_staff_members_locks(table: MemoryTable) -> None:
    locks.free_slots(CLINIC, CONSULTATION, TUESDAY, TUESDAY + dt.timedelta(days=3), None, NOW)
    asked = sorted(q.pk for q in table.queries)
    assert asked == sorted(SlotLock.partition(s) for s in CONSULTATION.staff)
    assert all(q.index == "" and q.live_at == NOW for q in table.queries)
