"""Bringing data from before the back office up to date (``allavie staff reindex``, run once after the
upgrade; a second run changes nothing):

- every customer gets their search terms (``store.search.reindex``) and their markers on the lists of
  offers for each channel whose consent is on (``marketing.optin.reconcile``);
- every booking moves from the old gsi1 key ``DAY#<date>`` to ``CAL#<yyyy-mm>`` (the calendar and the
  reminders read only the new one) and gets its ``BookingRef`` (found by id alone).

Customers are found by one paginated Query of the expiry index (every profile is a root there), then
one Query of each customer's partition: no Scan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..booking.locks import day_keys
from ..core import clinic as clinic_module
from ..marketing import optin
from ..store import expiry_repo, lookups, search
from ..store.models import Booking, BookingRef
from ..store.tx import Write, write_all


@dataclass
class Upgraded:
    customers: int = 0
    terms: int = 0
    bookings: int = 0
    optins: int = 0


def upgrade_customer(customer_id: str, now: dt.datetime) -> tuple[int, int]:
    """(terms written, bookings moved to the new keys) for one customer."""
    clinic = clinic_module.current()
    terms = search.reindex(customer_id, now)
    items = lookups.partition(customer_id)
    refs = {i.booking_id for i in items if isinstance(i, BookingRef)}
    writes: list[Write] = []
    moved = 0
    for booking in (i for i in items if isinstance(i, Booking)):
        pk, sk = day_keys(clinic, booking.start, booking.booking_id)
        if booking.gsi1pk != pk or booking.gsi1sk != sk:
            writes.append(Write(booking, Booking.start == booking.start, [Booking.gsi1pk.set(pk), Booking.gsi1sk.set(sk)]))
            moved += 1
        if booking.booking_id not in refs:
            writes.append(Write(BookingRef.make(customer_id, booking.booking_id, booking.expires_at), put=True))
    if writes:
        write_all(writes)
    return terms, moved


def backfill(now: dt.datetime) -> Upgraded:
    done = Upgraded()
    for customer_id in expiry_repo.customers():
        terms, moved = upgrade_customer(customer_id, now)
        done.optins += optin.reconcile(customer_id, now)
        done.customers += 1
        done.terms += terms
        done.bookings += moved
    return done
