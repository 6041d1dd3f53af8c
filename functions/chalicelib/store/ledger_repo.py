"""Ledger and receipts: each booking's payments, refunds, refund claims and receipts in ``LEDGER#<bid>``
(patterns 8 and 20 of docs/architecture.md), by year in gsi1 (``LEDGER_YEAR#<yyyy>``,
``RECEIPT_YEAR#<yyyy>``). Their keys are built here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .engine import Query, Range, engine
from .models import LedgerEntry, Receipt


def ledger_pk(booking_id: str) -> str:
    return f"LEDGER#{booking_id}"


def entry_key(booking_id: str, entry_type: str, stripe_object_id: str) -> tuple[str, str]:
    return ledger_pk(booking_id), f"{entry_type}#{stripe_object_id}"


def entry_index(day: dt.date, booking_id: str, entry_type: str, stripe_object_id: str) -> tuple[str, str]:
    """A ledger row's gsi1 keys: its Stockholm year, then date, booking and Stripe object."""
    return f"LEDGER_YEAR#{day.year:04d}", f"{day.isoformat()}#{booking_id}#{entry_type}#{stripe_object_id}"


def receipt_index(day: dt.date, number: int) -> tuple[str, str]:
    """A receipt's gsi1 keys: the year it was issued in (Stockholm), then its number."""
    return f"RECEIPT_YEAR#{day.year:04d}", f"{number:010d}"


def entries(booking_id: str, now: dt.datetime | None, *, consistent: bool = True) -> list[LedgerEntry]:
    """Pattern 8: a booking's ledger rows (live ones when ``now`` is given), one Query of ``LEDGER#<bid>``."""
    found = engine().query(Query(ledger_pk(booking_id), model=LedgerEntry, live_at=now, consistent=consistent))
    return [entry for entry in found if isinstance(entry, LedgerEntry)]


def entries_of_year(year: int, now: dt.datetime) -> Iterator[LedgerEntry]:
    """Pattern 8: every live row booked in one year, by date (one Query of gsi1, paged)."""
    for item in engine().query(Query(entry_index(dt.date(year, 1, 1), "", "", "")[0], index="gsi1", live_at=now)):
        if isinstance(item, LedgerEntry):
            yield item


def receipts(booking_id: str, now: dt.datetime) -> list[Receipt]:
    """Pattern 20: a booking's live receipts and credit receipts (consistent), in key order."""
    found = engine().query(Query(ledger_pk(booking_id), Range("begins", "RECEIPT#"), model=Receipt, live_at=now,
                                 consistent=True))
    return [receipt for receipt in found if isinstance(receipt, Receipt)]


def receipts_of_year(year: int, now: dt.datetime) -> list[Receipt]:
    """Pattern 20: every live receipt issued in a year, by number (one Query of gsi1, paged)."""
    found = engine().query(Query(receipt_index(dt.date(year, 1, 1), 0)[0], index="gsi1", live_at=now))
    return [receipt for receipt in found if isinstance(receipt, Receipt)]
