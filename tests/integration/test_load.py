"""A bounded load run (locust, headless, 50 visitors, 60 s) against chalice local: no error but 409,
no time booked twice, and no time lock without its booking (bench/load.py; ``make bench`` prints it)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from chalicelib.store.models import Booking, Item, SlotLock
from support import bench

pytestmark = pytest.mark.integration


def test_fifty_visitors_for_a_minute_book_nothing_twice_and_leave_no_orphan_lock(api_url: str, table: None,
                                                                                 outbox_dir: Path) -> None:
    load = bench.script("load")

    figures = load.run(api_url, outbox_dir, users=50, seconds=60, env=dict(os.environ))
    assert figures["failures"] == 0, figures["failed"]
    assert figures["requests"] > 300 and figures["by_name"]["/bookings"][0] > 20, figures
    items = list(Item.scan())
    bookings = {b.booking_id: b for b in items if isinstance(b, Booking)}
    active = {i for i, b in bookings.items() if b.status in ("confirmed", "awaiting_payment")}
    locks = [lock for lock in items if isinstance(lock, SlotLock)]
    assert all(lock.booking_id in active for lock in locks), "a time lock without an active booking"
    # every active booking holds all its units, and no unit is held twice (the lock's key is the unit)
    held = Counter(lock.booking_id for lock in locks)
    assert all(held[i] == int(bookings[i].locked_units) for i in active)
    assert len({(lock.pk, lock.sk) for lock in locks}) == len(locks)
    print(f"\nload: {figures['requests']} requests, {figures['rps']:.1f}/s, median {figures['median_ms']:.0f} ms, "
          f"p95 {figures['p95_ms']:.0f} ms, {figures['conflicts']} × 409")
