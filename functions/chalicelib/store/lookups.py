"""Reads that many capabilities share: a customer by address, a live profile, a customer's
partition, one live booking. Expired items count as absent everywhere (TTL may lag)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import tx
from .models import Booking, Customer, EmailKey
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


def profile(customer_id: str, now: dt.datetime) -> Customer | None:
    """The live profile, read consistently (a revocation or erasure must count at once), or None."""
    found = tx.get(Customer, Customer.key(customer_id))
    return found if found is not None and found.is_live(now) else None


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


def partition(customer_id: str, now: dt.datetime | None = None) -> list[Item]:
    """Every item of the customer's partition (pattern 4, one consistent Query); only live ones when ``now`` is given."""
    condition = live(now) if now is not None else None
    return list(Item.query(customer_pk(customer_id), filter_condition=condition, consistent_read=True))


@dataclass(frozen=True)
class Holds:
    """A returning customer's profile, how many unpaid holds they have open, and all their live bookings."""

    profile: Customer | None
    count: int
    bookings: tuple[Booking, ...] = ()  # for the rule of lag (2021:363) (booking.regulated), from the same read


def open_holds(customer_id: str, now: dt.datetime) -> Holds:
    """One consistent Query of the customer's partition: the profile and their bookings, of which those
    awaiting payment whose hold has not lapsed are counted (a lapsed hold blocks nothing). The filter
    leaves out the rest, but DynamoDB still reads (and charges for) every item of the partition."""
    wanted = Customer.link_generation.exists() | Booking.service_id.exists()
    found, count, bookings = None, 0, []
    for item in Item.query(customer_pk(customer_id), filter_condition=wanted & live(now), consistent_read=True):
        if isinstance(item, Customer):
            found = item
        elif isinstance(item, Booking):
            bookings.append(item)
            if item.status == "awaiting_payment" and item.hold_until is not None and item.hold_until > now:
                count += 1
    return Holds(found, count, tuple(bookings))
