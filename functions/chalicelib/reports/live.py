"""The per-day aggregates kept current from the table's stream (``routes/reports.py``'s ``count_for_reports``).

Each written Booking, LedgerEntry and PageCount replaces what it had put into the days (``store.reports_repo``):
a record delivered twice changes nothing, a booking moved to another day takes its counts along (old day
out, new day in), and a record older than the one applied is ignored. A booking's record also moves the
customer's first visit (the day ``new_customers`` counts them) when their earliest booking changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ..store import lookups, stream
from ..store import reports_repo as repository
from ..store.models import Booking, LedgerEntry, PageCount
from . import counts


def facts(item: Booking) -> counts.BookingFacts:
    return counts.BookingFacts(
        booking_id=item.booking_id, customer_id=item.customer_id, service_id=item.service_id,
        staff_id=item.staff_id, start=item.start, end=item.end, status=item.status,
        cancelled_by=item.cancelled_by, outcome=item.outcome,
    )


def booking_source(booking_id: str) -> str:
    return repository.booking_source(booking_id)


def ledger_source(entry: LedgerEntry) -> str:
    return repository.ledger_source(entry.booking_id, entry.entry_type, entry.stripe_object_id)


def service_of(booking_id: str, now: dt.datetime) -> str | None:
    """The treatment a payment was for (the booking by its id; none once its customer is gone)."""
    found = lookups.booking_by_id(booking_id, now)
    return found.service_id if found is not None else None


def ledger_counts(entry: LedgerEntry, service_id: str | None) -> dict[str, dict[str, int]]:
    return counts.ledger_row(entry.booked_on, entry.entry_type, entry.channel, int(entry.amount_ore), service_id)


def count_booking(item: Booking, sequence: int, now: dt.datetime) -> None:
    first = repository.first_booking(item.customer_id, now)
    repository.apply(booking_source(item.booking_id), sequence, counts.booking(facts(item), first), now)


def count_ledger(entry: LedgerEntry, sequence: int, now: dt.datetime) -> None:
    repository.apply(ledger_source(entry), sequence, ledger_counts(entry, service_of(entry.booking_id, now)), now)


def handle_records(records: Iterable[Mapping[str, Any]], now: dt.datetime) -> dict[str, int]:
    """Count what the batch wrote; returns how many items of each kind were read."""
    seen = {"bookings": 0, "ledger": 0, "pages": 0}
    for change in stream.written(records):
        item = stream.item(change.new)
        if isinstance(item, Booking):
            count_booking(item, change.sequence, now)
            seen["bookings"] += 1
        elif isinstance(item, LedgerEntry):
            count_ledger(item, change.sequence, now)
            seen["ledger"] += 1
        elif isinstance(item, PageCount):
            repository.set_count(repository.page_day(item), f"page:{item.sk}", int(item.views), now)
            seen["pages"] += 1
    return seen
