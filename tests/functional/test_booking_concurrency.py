"""Races through the real HTTP server (``chalice local``) against DynamoDB Local."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from chalicelib.store.models import Booking, Customer, EmailKey, Item, SlotLock

TIMEOUT = 30


def call(method: str, url: str, data: dict | None = None) -> tuple[int, dict]:
    raw = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=raw, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def future_slots(api_url: str, service: str, staff: str) -> list[str]:
    """Free times of a few days ahead (the server runs on the real clock)."""
    first = dt.date.today() + dt.timedelta(days=3)
    last = first + dt.timedelta(days=14)
    status, body = call("GET", f"{api_url}/availability?service={service}&staff={staff}&from={first}&to={last}")
    assert status == 200, body
    assert body["slots"], "no free time in the coming two weeks"
    return [s["start"] for s in body["slots"]]


def person(i: int, start: str, email: str | None = None) -> dict:
    return {"service": "konsultation", "start": start, "staff": "sara", "name": "Kund " + chr(ord("A") + i % 26) * (1 + i // 26),
            "email": email or f"kund{i}@example.se", "phone": "070-123 45 67", "marketing": {"email": False, "sms": False}}


WORKERS = 30  # all at once (allavie.api_server gives chalice local a listen queue deep enough)


def race(api_url: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """Send the bodies from a bounded pool, the first WORKERS released together by a barrier."""
    barrier = threading.Barrier(min(WORKERS, len(bodies)), timeout=TIMEOUT)
    released = threading.Event()

    def one(data: dict) -> tuple[int, dict]:
        if not released.is_set():
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            released.set()
        return call("POST", f"{api_url}/bookings", data)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(one, bodies, timeout=TIMEOUT * 2))


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
