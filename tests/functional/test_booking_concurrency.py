"""Races through the real HTTP server (``chalice local``) against DynamoDB Local."""

from __future__ import annotations

from chalicelib.store.models import Booking, Customer, EmailKey, Item, SlotLock
from support.races import future_slots, person, race


def test_thirty_requests_for_one_slot_give_one_booking(api_url: str, table: None) -> None:
    start = future_slots(api_url, "konsultation", "sara")[0]
    results = race(api_url, [person(i, start) for i in range(30)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 29, statuses
    assert {body["error"]["code"] for status, body in results if status == 409} == {"slot_taken"}
    [winner] = [body["booking"] for status, body in results if status == 201]
    bookings = [i for i in Item.scan() if isinstance(i, Booking)]
    assert [b.booking_id for b in bookings] == [winner["id"]]
    locks = [i for i in Item.scan() if isinstance(i, SlotLock)]
    assert len(locks) == 3 and {lock.booking_id for lock in locks} == {winner["id"]}
    # The losers left nothing behind: one customer, one address key.
    assert len([i for i in Item.scan() if isinstance(i, Customer)]) == 1
    assert len([i for i in Item.scan() if isinstance(i, EmailKey)]) == 1


def test_a_new_customer_booking_twice_at_once_is_created_once(api_url: str, table: None) -> None:
    # Six times on six days: one address may have booking.max_bookings_per_day (3) on one day.
    by_day: dict[str, str] = {}
    for start in future_slots(api_url, "konsultation", "sara"):
        by_day.setdefault(start[:10], start)
    starts = list(by_day.values())[:6]
    assert len(starts) == 6
    results = race(api_url, [person(i, start, email="samma@example.se") for i, start in enumerate(starts)])
    assert [status for status, _ in results] == [201] * len(starts), results
    customers = [i for i in Item.scan() if isinstance(i, Customer)]
    assert len(customers) == 1
    [key] = [i for i in Item.scan() if isinstance(i, EmailKey)]
    assert key.customer_id == customers[0].customer_id
    bookings = [i for i in Item.scan() if isinstance(i, Booking)]
    assert len(bookings) == len(starts) and {b.customer_id for b in bookings} == {key.customer_id}
