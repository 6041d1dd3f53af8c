"""Keeps a customer's expiry on every item of theirs, so that DynamoDB's TTL
(and the sweeper) remove all of it together, 36 months after the last visit.

``refresh(customer_id, now)`` is called by booking after book, reschedule,
cancel and payment confirmation. Its cost, in requests:

- 1 Query of the customer's partition (consistent; paginated only past 1 MB),
- N conditional updates, N = the items whose ``expires_at`` differs from the
  new expiry (+ 1 for the EmailKey when the profile's changed), sent as
  TransactWriteItems of up to 100 updates each: ceil((N + 1) / 100) requests.

N is bounded by the partition: 1 profile + the bookings + their consents and
messages (about 3 to 5 items per booking). It is 0 when nothing moved: a
booking that is not the customer's latest, a second payment webhook, a
repeated call. Each update sets only ``expires_at`` (and the profile's gsi2
keys), on the condition that the item still has the value read, so a
concurrent booking or erasure is never overwritten: a lost race reads again.

Why not bound messages and consents further: they are the customer's data as
much as a booking (the export lists them, the erasure removes them) and the
notice gives them the same period, so they must carry the same date. What
bounds them is that they arrive with bookings, not on their own; a customer
with many years of visits has at most a few hundred items, two requests.
The profile is written last, so that if we stop midway, the items that
already moved outlive the profile rather than the reverse (a profile whose
data vanished early).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from ..core import clock
from ..store import lookups
from ..store.models import Booking, Complaint, Customer, EmailKey, Item, PhoneKey, identity_key
from ..store.table import Condition
from ..store.tx import Write, write_all
from . import dates as retention

log = logging.getLogger(__name__)

ATTEMPTS = 4             # re-reads after a lost race before giving up

# Items that simply live as long as their customer. Anything else found in a
# partition (e.g. a pending e-mail change that expires after a day) keeps its
# own expiry when that is shorter: a new visit never lengthens it.
CUSTOMER_LIFETIME_KINDS = frozenset({"customer", "booking", "marketing_consent", "message", "access_log",
                                     "customer_term", "booking_ref", "photo", "complaint", "complaint_ref", "optin",
                                     "offer_delivery"})


def kind_of(item: Item) -> str:
    """The stored ``kind`` of an item (pynamodb gives the class back)."""
    attribute = Item._get_discriminator_attribute()
    name = attribute.get_discriminator(type(item)) if attribute is not None else None
    return str(name or "item")


class CustomerGone(LookupError):
    """No live profile: an expired or erased customer is never revived."""


# --- a customer's expiry -------------------------------------------------------------


def live_partition(customer_id: str, now: dt.datetime) -> list[Item]:
    """The customer's items that are still live, for reads (/me, export, reminders)."""
    return [item for item in lookups.partition(customer_id) if item.is_live(now)]


def compute(items: Iterable[Item], now: dt.datetime) -> dt.datetime:
    """The expiry of a customer from the items of their partition.

    The last visit is the latest booking that was not cancelled (one booked
    ahead counts); an unpaid hold that has lapsed never became a visit.
    Without visits, the latest booking activity counts, else the profile's
    creation. A complaint counts from its closing (an open one from its latest
    message), when that is later.
    """
    appointments: list[tuple[dt.datetime, bool]] = []
    activity: list[dt.datetime] = []
    complaints: list[dt.datetime] = []
    for item in items:
        if isinstance(item, Booking):
            lapsed = item.status == "awaiting_payment" and item.hold_until is not None and item.hold_until <= now
            appointments.append((item.start, item.status == "cancelled" or lapsed))
            activity.extend(t for t in (item.created_at, item.updated_at, item.cancelled_at) if t is not None)
        elif isinstance(item, Customer) and item.created_at is not None:
            activity.append(item.created_at)
        elif isinstance(item, Complaint):
            complaints.append(item.closed_at or item.updated_at or item.created_at)
    return retention.customer_expiry(appointments, max(activity, default=now), complaints)


def _same(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    return clock.epoch(a) == clock.epoch(b)


def _unchanged_since_read(item: Item) -> Condition:
    """The item still exists with the expiry we read (optimistic concurrency)."""
    seen = Item.expires_at.does_not_exist() if item.expires_at is None else Item.expires_at == item.expires_at
    return Item.pk.exists() & seen


def _target(item: Item, expiry: dt.datetime) -> dt.datetime:
    if kind_of(item) in CUSTOMER_LIFETIME_KINDS or item.expires_at is None:
        return expiry
    return min(item.expires_at, expiry)


@dataclass(frozen=True)
class Moves:
    """What a refresh writes: the customer's expiry, and each item whose expiry differs from its target."""

    expiry: dt.datetime
    writes: list[Write]


def moves(items: list[Item], customer_id: str, now: dt.datetime) -> Moves:
    """The writes that bring the live ``items`` of a customer's partition to their expiry (none when nothing
    differs); each on the condition that the item still has the expiry read. CustomerGone without a profile."""
    profile = next((item for item in items if isinstance(item, Customer)), None)
    if profile is None:
        raise CustomerGone(customer_id)
    expiry = compute(items, now)
    writes = [
        Write(item, _unchanged_since_read(item), [Item.expires_at.set(_target(item, expiry))])
        for item in items
        if item is not profile and not _same(item.expires_at, _target(item, expiry))
    ]
    if not _same(profile.expires_at, expiry):
        condition = _unchanged_since_read(profile)
        profile.expires_at = expiry
        profile.index_expiry()
        actions = [Item.expires_at.set(expiry), Item.gsi2pk.set(profile.gsi2pk), Item.gsi2sk.set(profile.gsi2sk)]
        found_by = identity_key(profile)
        if found_by is not None:  # the EmailKey (or, without e-mail, the PhoneKey) lives as long
            model = EmailKey if profile.email else PhoneKey
            writes.append(Write(model(*found_by), model.customer_id == customer_id, [Item.expires_at.set(expiry)]))
        writes.append(Write(profile, condition, actions))  # last: see the module's docstring
    return Moves(expiry, writes)


@dataclass(frozen=True)
class Refreshed:
    expiry: dt.datetime
    updated: int    # items written (partition + EmailKey)
    requests: int   # DynamoDB requests, the Query pages included


def refresh(customer_id: str, now: dt.datetime) -> dt.datetime:
    """Recompute the customer's expiry and write it wherever it differs; returns it."""
    return refresh_counted(customer_id, now).expiry


def refresh_counted(customer_id: str, now: dt.datetime) -> Refreshed:
    """``refresh`` that also says what it cost (for tests and the bench)."""
    updated = requests = 0
    for _ in range(ATTEMPTS):
        items = live_partition(customer_id, now)
        requests += 1
        planned = moves(items, customer_id, now)
        outcome = write_all(planned.writes)
        updated += len(outcome.written)
        requests += outcome.requests
        lost = [item for item in outcome.skipped if not isinstance(item, (EmailKey, PhoneKey))]
        if not lost:
            return Refreshed(planned.expiry, updated, requests)
        log.info("expiry of %s moved meanwhile (%d items); reading again", customer_id, len(lost))
    raise RuntimeError(f"expiry of customer {customer_id} kept changing under {ATTEMPTS} attempts")
