"""Deletes what has expired: the same code path for the TTL stream handler,
the daily sweeper and ``allavie retention --apply``.

DynamoDB's TTL deletes expired items within about two days and DynamoDB
Local never does; the sweeper does the same on purpose, one Query on the
expiry index (gsi2) instead of a Scan. A customer is one root there (their
profile); deleting a customer deletes their whole partition, their EmailKey,
the local copies of their messages, their photos in the bucket and the time
locks of bookings still ahead, and writes a ``DeletionRecord`` without personal data. Other roots
(ledger rows, cookie consents, rights requests, page counts, webhook events,
deletion records) are single items with their own retention.

The profile is deleted last, on the condition that it is still expired by
the limit, together with the record: a customer who booked again in the
meantime stays, and a sweep that stopped midway finds them again next time.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import messages
from ..core import clock
from ..photos import bucket as photo_bucket
from ..store import calendar_repo, expiry_repo, lookups, records_repo
from ..store.models import Booking, Customer, DeletionRecord, EmailKey, Item, PhoneKey, SlotLock
from ..store.table import Condition, customer_of
from ..store.tx import Write, write_all
from . import dates as retention
from .expiry import kind_of

log = logging.getLogger(__name__)

TTL_PRINCIPAL = "dynamodb.amazonaws.com"

LOCK_SPAN = dt.timedelta(hours=2)  # locks of a booking lie between its start and its end plus any buffer


@dataclass(frozen=True)
class Expired:
    """A root of the expiry index: one item, or (a customer) a whole partition."""

    kind: str
    pk: str
    sk: str
    expires_at: dt.datetime

    @property
    def customer_id(self) -> str | None:
        return customer_of(self.pk) if self.kind == "customer" else None


@dataclass
class SweepReport:
    as_of: dt.date
    customers: int = 0             # customers deleted
    items: Counter[str] = field(default_factory=Counter)  # items deleted, by kind
    kept: int = 0                  # roots that moved or went meanwhile
    left: int = 0                  # roots not reached before the deadline: the next run takes them


def limit_of(as_of: dt.date) -> dt.datetime:
    """The first instant after ``as_of`` in Stockholm: what expires by then is due."""
    return clock.end_of_day(as_of)


def expired(as_of: dt.date) -> list[Expired]:
    """Every root whose expiry falls at or before the end of ``as_of`` (Stockholm), soonest first.

    One Query on gsi2: its sort key starts with the expiry epoch in 11 digits,
    so ``sk < f"{limit + 1:011d}"`` is "expiry <= limit".
    """
    return [
        Expired(kind_of(item), item.pk, item.sk, item.expires_at)
        for item in expiry_repo.expiring_by(clock.epoch(limit_of(as_of)))
        if item.expires_at is not None
    ]


def sweep(as_of: dt.date, now: dt.datetime, reason: str, *, deadline: float | None = None) -> SweepReport:
    """Delete everything that has expired by the end of ``as_of``, soonest first.

    ``deadline`` (``time.monotonic()``): stop there, e.g. before a Lambda's
    timeout after a long outage; what is left stays due for the next run.
    """
    limit = limit_of(as_of)
    report = SweepReport(as_of)
    due = expired(as_of)
    for done, root in enumerate(due):
        if deadline is not None and time.monotonic() > deadline:
            report.left = len(due) - done
            break
        customer_id = root.customer_id
        if customer_id is not None:
            deletion = delete_customer(customer_id, reason, now=now, expired_by=limit)
            if deletion is None:
                report.kept += 1
            else:
                report.customers += 1
                report.items.update({str(k): int(v) for k, v in deletion.kinds.as_dict().items()})
        elif write_all([Write(Item(root.pk, root.sk), _expired_by(limit))]).written:
            report.items[root.kind] += 1
        else:
            report.kept += 1
    log.info("swept %s: %d customers, items %s, %d kept, %d left", as_of, report.customers, dict(report.items),
             report.kept, report.left)
    return report


def _expired_by(limit: dt.datetime) -> Condition:
    return Item.expires_at.does_not_exist() | (Item.expires_at <= limit)


def delete_customer(
    customer_id: str,
    reason: str,
    *,
    now: dt.datetime | None = None,
    expired_by: dt.datetime | None = None,
    email: str | None = None,
    record_key: tuple[dt.datetime, str] | None = None,
) -> DeletionRecord | None:
    """Delete everything of a customer whose retention has ended; idempotent.

    ``expired_by``: delete only what has expired by then (default ``now``);
    a profile still live then is left alone (None is returned).
    ``email``: the address of a profile that is already gone (TTL stream).
    ``record_key``: (when, id) naming the DeletionRecord, so that a stream
    record delivered twice writes one record.
    """
    now = now or clock.now()
    limit = expired_by or now
    items = lookups.partition(customer_id)
    profile = next((item for item in items if isinstance(item, Customer)), None)
    if profile is not None and profile.expires_at is not None and profile.expires_at > limit:
        return None  # live: booked again, or not due yet
    condition = _expired_by(limit)
    # Once the profile is gone or expired, nobody can write to this customer any more
    # (booking, rights and messages all need a live profile), so whatever is left is
    # theirs, whatever date it carries: e.g. a message written with a stale expiry.
    # Only an operator's sweep ahead of time meets a customer who may still book.
    ended = profile is None or not profile.is_live(now)
    children = [item for item in items if item is not profile]
    outcome = write_all([Write(item, None if ended else condition) for item in children])
    kinds = Counter(kind_of(item) for item in outcome.written)

    address = profile.email if profile is not None else email
    if address:
        key = EmailKey(*EmailKey.key(address))
        mine = EmailKey.customer_id == customer_id  # a new customer may hold the address by now
        if write_all([Write(key, mine if ended else mine & condition)]).written:
            kinds["email"] += 1
    elif profile is not None and profile.phone:  # a caller without e-mail is found by a PhoneKey
        phone_key = PhoneKey(*PhoneKey.key(profile.phone))
        ours = PhoneKey.customer_id == customer_id
        if write_all([Write(phone_key, ours if ended else ours & condition)]).written:
            kinds["phone_key"] += 1
    kinds["slot_lock"] += _release_locks([b for b in outcome.written if isinstance(b, Booking)], now)
    _erase_copies(customer_id)

    if outcome.skipped:
        # Somebody wrote to this customer after the expiry: what they wrote is live and stays.
        log.warning("customer %s: %d items kept, written after the expiry", customer_id, len(outcome.skipped))
    at, record_id = record_key or (now, uuid.uuid4().hex)
    record = _record(reason, at, record_id, now, profile.expires_at if profile is not None else None, kinds)
    if profile is not None:
        # The profile goes last, with the record, all or nothing: a sweep that
        # stopped midway finds the customer in the index again next time.
        kinds["customer"] += 1
        record.items, record.kinds = sum(kinds.values()), dict(kinds)
        done = write_all([Write(profile, condition), Write(record, DeletionRecord.pk.does_not_exist(), put=True)])
        if done.skipped:
            return None
        return record
    if not record_key and not kinds:
        return None  # nothing was there: deleted before
    written = write_all([Write(record, DeletionRecord.pk.does_not_exist(), put=True)]).written
    return record if written else None


def _record(reason: str, at: dt.datetime, record_id: str, now: dt.datetime,
            expired_at: dt.datetime | None, kinds: Mapping[str, int]) -> DeletionRecord:
    local = clock.local(at)
    record = DeletionRecord(
        *records_repo.deletion_key(local.date(), at, record_id),
        reason=reason, deleted_at=at, expired_at=expired_at,
        items=sum(kinds.values()), kinds=dict(kinds),
        # kept as long as a customer's data would be: long enough to answer "what became of it"
        expires_at=retention.customer_expiry([], now),
    )
    record.index_expiry()
    return record


def _release_locks(bookings: list[Booking], now: dt.datetime) -> int:
    """Free the time of bookings still ahead (a lapsed customer's slot is nobody's), and delete the locks
    of past ones that TTL has not removed yet: a lock names its booking's customer."""
    released = 0
    for booking in bookings:
        if booking.status == "cancelled":
            continue
        locks = calendar_repo.locks_of_booking(booking.staff_id, booking.start, booking.end + LOCK_SPAN,
                                               booking.booking_id)
        writes = [Write(lock, SlotLock.booking_id == booking.booking_id) for lock in locks]
        released += len(write_all(writes).written)
    return released


def _erase_copies(customer_id: str) -> None:
    """Remove what of the customer lies outside the table: the local outbox files of their messages
    (none in AWS: SES keeps no copy here) and their photos in the bucket (uploads and clean copies)."""
    messages.erase_copies(customer_id)
    photo_bucket.erase_customer(customer_id)


# --- the TTL stream ------------------------------------------------------------------


@dataclass(frozen=True)
class TtlDeletion:
    customer_id: str
    email: str | None
    deleted_at: dt.datetime
    event_id: str


def ttl_deletion(record: Mapping[str, Any]) -> TtlDeletion | None:
    """The customer whose profile DynamoDB's TTL just deleted, from a stream record; else None.

    TTL deletions are REMOVE records by the service principal
    ``dynamodb.amazonaws.com``; a delete by the sweeper, an erasure or any
    other writer carries no such identity and is none of our business here.
    """
    identity = record.get("userIdentity") or {}
    if record.get("eventName") != "REMOVE":
        return None
    if identity.get("type") != "Service" or identity.get("principalId") != TTL_PRINCIPAL:
        return None
    stream = record.get("dynamodb") or {}
    keys = stream.get("Keys") or {}
    pk = (keys.get("pk") or {}).get("S", "")
    sk = (keys.get("sk") or {}).get("S", "")
    customer_id = customer_of(pk)
    if customer_id is None or sk != "PROFILE":
        return None
    old = stream.get("OldImage") or {}  # absent when the stream carries keys only
    email = (old.get("email") or {}).get("S")
    seconds = stream.get("ApproximateCreationDateTime")
    deleted_at = clock.from_epoch(seconds) if seconds is not None else clock.now()
    return TtlDeletion(customer_id, email, deleted_at, str(record.get("eventID") or uuid.uuid4().hex))


def cascade(deletion: TtlDeletion, now: dt.datetime) -> DeletionRecord | None:
    """What the stream handler does for one TTL deletion of a profile."""
    return delete_customer(
        deletion.customer_id, "ttl", now=now, email=deletion.email,
        record_key=(deletion.deleted_at, deletion.event_id),
    )
