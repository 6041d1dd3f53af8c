"""Which bookings make the last visit (expiry.compute), without a database."""

from __future__ import annotations

import datetime as dt

from chalicelib.core import clock
from chalicelib.core.clock import STOCKHOLM
from chalicelib.retention import expiry
from chalicelib.store.models import Booking, Customer, Message

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=STOCKHOLM)


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=STOCKHOLM)


def profile(created: dt.datetime = at(2026, 1, 10)) -> Customer:
    return Customer("CUST#c", "PROFILE", customer_id="c", name="N", email="n@example.se", created_at=created)


def booking(start: dt.datetime, status: str = "confirmed", *, created: dt.datetime = at(2026, 1, 10),
            hold_until: dt.datetime | None = None, cancelled: dt.datetime | None = None) -> Booking:
    return Booking("CUST#c", f"BOOKING#{start:%Y%m%d}", booking_id="b", customer_id="c", service_id="s", staff_id="anna",
                   start=start, end=start + dt.timedelta(hours=1), locked_units=4, status=status, created_at=created,
                   hold_until=hold_until, cancelled_at=cancelled)


def last_day(expiry_moment: dt.datetime) -> dt.date:
    return (clock.local(expiry_moment) - dt.timedelta(seconds=1)).date()


def test_a_booking_ahead_is_the_last_visit() -> None:
    items = [profile(), booking(at(2026, 2, 1)), booking(at(2026, 11, 30), "confirmed")]
    assert last_day(expiry.compute(items, NOW)) == dt.date(2029, 11, 30)


def test_cancelled_bookings_and_lapsed_holds_are_no_visits() -> None:
    items = [
        profile(),
        booking(at(2026, 3, 1), "completed"),
        booking(at(2026, 9, 1), "cancelled", cancelled=at(2026, 5, 1)),
        booking(at(2026, 8, 1), "awaiting_payment", hold_until=NOW - dt.timedelta(minutes=1)),
    ]
    assert last_day(expiry.compute(items, NOW)) == dt.date(2029, 3, 1)
    held = booking(at(2026, 8, 1), "awaiting_payment", hold_until=NOW + dt.timedelta(minutes=10))
    assert last_day(expiry.compute([*items, held], NOW)) == dt.date(2029, 8, 1)


def test_without_visits_the_latest_booking_activity_counts() -> None:
    items = [
        profile(at(2026, 1, 10)),
        booking(at(2026, 9, 1), "cancelled", created=at(2026, 4, 1), cancelled=at(2026, 4, 20)),
        Message("CUST#c", "MSG#x", message_id="m", channel="email", purpose="marketing", recipient="n@example.se",
                sent_at=at(2026, 5, 30)),  # a newsletter is no activity of the customer's
    ]
    assert last_day(expiry.compute(items, NOW)) == dt.date(2029, 4, 20)
    assert last_day(expiry.compute([profile(at(2026, 1, 10))], NOW)) == dt.date(2029, 1, 10)


def test_kinds_are_the_stored_names() -> None:
    assert expiry.kind_of(profile()) == "customer"
    assert expiry.kind_of(booking(at(2026, 2, 1))) == "booking"
