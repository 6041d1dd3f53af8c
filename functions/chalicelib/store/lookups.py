"""Reads that many capabilities share: a customer by address, a live profile, a customer's
partition, one live booking. Expired items count as absent everywhere (TTL may lag)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from . import tx
from .engine import Query, Range, engine
from .models import Booking, BookingRef, ComplaintRef, Customer, EmailKey, PhoneKey
from .table import Item, customer_pk, live


@dataclass(frozen=True)
class Known:
    """What the EmailKey of an address says about its customer (one GetItem)."""

    customer_id: str
    link_generation: int | None  # None when the key carries no copy: read the profile
    expires_at: dt.datetime | None


def lookup(email: str, now: dt.datetime) -> Known | None:
    """The customer of a normalised address, or None (expired keys count as absent)."""
    key = tx.get(EmailKey, EmailKey.key(email))
    if key is None or not key.is_live(now):
        return None
    generation = int(key.link_generation) if key.link_generation is not None else None
    return Known(key.customer_id, generation, key.expires_at)


def lookup_phone(phone: str, now: dt.datetime) -> Known | None:
    """The customer without an e-mail address who has this E.164 number (a caller booked by staff), or None."""
    key = tx.get(PhoneKey, PhoneKey.key(phone))
    if key is None or not key.is_live(now):
        return None
    generation = int(key.link_generation) if key.link_generation is not None else None
    return Known(key.customer_id, generation, key.expires_at)


def profile(customer_id: str, now: dt.datetime) -> Customer | None:
    """The live profile, read consistently (a revocation or erasure must count at once), or None."""
    found = tx.get(Customer, Customer.key(customer_id))
    return found if found is not None and found.is_live(now) else None


def profiles(customer_ids: Sequence[str], *, consistent: bool = False) -> list[Customer]:
    """The profiles of these customers (one BatchGetItem; expired ones too: the caller decides)."""
    if not customer_ids:
        return []
    return list(engine().batch_get(Customer, [Customer.key(c) for c in customer_ids], consistent))


def customer_by_email(email: str, now: dt.datetime) -> Customer | None:
    """Pattern 3: the EmailKey, then the profile; None unless both are live and agree."""
    known = lookup(email, now)
    if known is None:
        return None
    found = profile(known.customer_id, now)
    return found if found is not None and found.email == email else None


def booking(customer_id: str, booking_id: str, now: dt.datetime) -> Booking | None:
    """One of the customer's bookings, if it is live."""
    found = tx.get(Booking, Booking.key(customer_id, booking_id))
    return found if found is not None and found.is_live(now) else None


def booking_by_id(booking_id: str, now: dt.datetime) -> Booking | None:
    """A live booking by its id alone (the back office): its BookingRef in gsi1, then the booking (consistent)."""
    for ref in engine().query(Query(f"BOOKING#{booking_id}", Range("between", "REF", "REF"), "gsi1", limit=1)):
        if isinstance(ref, BookingRef):
            return booking(ref.customer_id, booking_id, now)
    return None


def complaint_customer(complaint_id: str) -> str | None:
    """The customer of a complaint by its id alone: its ComplaintRef in gsi1 (a key no change of the complaint moves)."""
    for ref in engine().query(Query(f"COMPLAINT#{complaint_id}", Range("between", "REF", "REF"), "gsi1", limit=1)):
        if isinstance(ref, ComplaintRef):
            return ref.customer_id
    return None


def partition(customer_id: str, now: dt.datetime | None = None) -> list[Item]:
    """Every item of the customer's partition (pattern 4, one consistent Query); only live ones when ``now`` is given."""
    return list(engine().query(Query(customer_pk(customer_id), live_at=now, consistent=True)))


@dataclass(frozen=True)
class Activity:
    """A returning customer's profile and what limits a new booking of theirs (booking.take)."""

    profile: Customer | None
    holds: int           # unpaid holds not lapsed, taken by the same requester
    on_day: int          # active bookings (confirmed, or holds not lapsed) starting on the given day
    # Every booking of the treatments asked for (``services``), whatever its state: for the rule of
    # lag (2021:363) (booking.regulated), from the same read.
    bookings: tuple[Booking, ...] = ()


def activity(customer_id: str, now: dt.datetime, day: tuple[dt.datetime, dt.datetime], requester: str,
             services: Sequence[str] = ()) -> Activity:
    """One consistent Query of the customer's partition: the profile, the open holds that ``requester``
    took, the active bookings starting within ``day`` (its first and first-after instants), and every
    booking of ``services``. The filter leaves out the rest, but DynamoDB still reads (and charges for)
    every item of the partition."""
    holding = (Booking.status == "awaiting_payment") & (Booking.hold_until > now)
    active = (Booking.status == "confirmed") | holding
    wanted = Customer.link_generation.exists() | (active & (Booking.start >= day[0]) & (Booking.start < day[1])) | (
        holding & (Booking.hold_by == requester))
    if services:
        wanted = wanted | Booking.service_id.is_in(*services)
    found, holds, on_day, kept = None, 0, 0, []
    for item in Item.query(customer_pk(customer_id), filter_condition=wanted & live(now), consistent_read=True):
        if isinstance(item, Customer):
            found = item
        elif isinstance(item, Booking):
            is_hold = item.status == "awaiting_payment" and item.hold_until is not None and item.hold_until > now
            holds += int(is_hold and item.hold_by == requester)
            on_day += int((is_hold or item.status == "confirmed") and day[0] <= item.start < day[1])
            if item.service_id in services:
                kept.append(item)
    return Activity(found, holds, on_day, tuple(kept))
