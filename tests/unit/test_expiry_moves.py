"""What a customer's new expiry moves, on the in-memory table (``store.memory``): the rule of
``retention.expiry.moves`` on the partition as ``lookups.partition`` reads it. The cases of a booking
ahead and of an expired customer are moved here from tests/functional/test_retention.py; that every
item is written in one transaction, conditionally, and that a sweep deletes, stay functional."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from chalicelib.core import clock
from chalicelib.core.clock import STOCKHOLM
from chalicelib.retention import expiry
from chalicelib.store import engine, lookups
from chalicelib.store.memory import MemoryTable
from chalicelib.store.models import Booking, Customer, EmailChange, EmailKey, MarketingConsent

CID = "c0ffee"


def stockholm(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=STOCKHOLM)


@pytest.fixture()
def table() -> Iterator[MemoryTable]:
    with engine.use(MemoryTable()) as memory:
        assert isinstance(memory, MemoryTable)
        yield memory


def customer(table: MemoryTable, created: dt.datetime, expires: dt.datetime | None = None) -> Customer:
    profile = table.put(Customer(*Customer.key(CID), customer_id=CID, name="Fia Framåt", email="fia@example.se",
                                 created_at=created, expires_at=expires))
    table.put(EmailKey(*EmailKey.key("fia@example.se"), customer_id=CID, expires_at=expires))
    table.put(MarketingConsent(*MarketingConsent.key(CID, created, "email"), channel="email", granted=True,
                               source="booking_form", at=created, expires_at=expires))
    assert isinstance(profile, Customer)
    return profile


def booking(table: MemoryTable, start: dt.datetime, booked_at: dt.datetime, status: str = "confirmed",
            expires: dt.datetime | None = None) -> None:
    table.put(Booking(*Booking.key(CID, start.isoformat()), booking_id=start.isoformat(), customer_id=CID,
                      service_id="facial", staff_id="anna", start=start, end=start + dt.timedelta(hours=1),
                      locked_units=4, status=status, created_at=booked_at, expires_at=expires))


def planned(now: dt.datetime) -> expiry.Moves:
    return expiry.moves(expiry.live_partition(CID, now), CID, now)


def test_a_booking_ahead_is_the_last_visit_and_every_item_moves(table: MemoryTable) -> None:
    customer(table, stockholm(2026, 5, 1))
    booking(table, stockholm(2026, 9, 30, 11), stockholm(2026, 5, 1))
    moves = planned(stockholm(2026, 5, 1))
    assert moves.expiry == clock.end_of_day(dt.date(2029, 9, 30))
    kinds = sorted(type(write.item).__name__ for write in moves.writes)
    assert kinds == ["Booking", "Customer", "EmailKey", "MarketingConsent"]  # the profile's key lives as long
    assert type(moves.writes[-1].item) is Customer  # last: a lost race re-reads the whole partition


def test_a_cancelled_booking_is_no_visit(table: MemoryTable) -> None:
    customer(table, stockholm(2026, 5, 1))
    booking(table, stockholm(2026, 6, 1), stockholm(2026, 5, 1))
    booking(table, stockholm(2027, 1, 20, 14), stockholm(2027, 1, 5), status="cancelled")
    assert planned(stockholm(2027, 1, 7)).expiry == clock.end_of_day(dt.date(2029, 6, 1))


def test_nothing_moves_when_every_item_has_its_expiry(table: MemoryTable) -> None:
    right = clock.end_of_day(dt.date(2029, 6, 1))
    profile = customer(table, stockholm(2026, 5, 1), expires=right)
    profile.index_expiry()
    booking(table, stockholm(2026, 6, 1), stockholm(2026, 5, 1), expires=right)
    moves = planned(stockholm(2026, 5, 2))
    assert moves.expiry == right and moves.writes == []
    assert len(table.queries) == 1 and table.queries[0].consistent  # one consistent Query of the partition


def test_a_pending_email_change_keeps_its_own_short_life(table: MemoryTable) -> None:
    customer(table, stockholm(2026, 3, 1))
    asked = stockholm(2026, 3, 11)
    table.put(EmailChange(*EmailChange.key(CID, "ch1"), change_id="ch1", new_email="fia.ny@example.se",
                          requested_at=asked, expires_at=asked + dt.timedelta(days=1)))
    booking(table, stockholm(2026, 9, 1), stockholm(2026, 3, 11, 12))
    moves = planned(stockholm(2026, 3, 11, 12))
    change = [w for w in moves.writes if isinstance(w.item, EmailChange)]
    assert change == []  # a new visit never lengthens it
    assert moves.expiry == clock.end_of_day(dt.date(2029, 9, 1))


def test_an_expired_customer_is_invisible_before_any_sweep(table: MemoryTable) -> None:
    ends = clock.end_of_day(dt.date(2029, 6, 14))
    customer(table, stockholm(2026, 6, 7), expires=ends)
    booking(table, stockholm(2026, 6, 14), stockholm(2026, 6, 7), expires=ends)
    before, after = stockholm(2029, 6, 14, 23), ends
    assert lookups.profile(CID, before) is not None
    assert len(expiry.live_partition(CID, before)) == 3
    assert lookups.profile(CID, after) is None
    assert expiry.live_partition(CID, after) == []
    with pytest.raises(expiry.CustomerGone):  # and nothing revives it
        expiry.refresh(CID, after)
    assert len(table.items) == 4  # still stored: only the reads hide it
