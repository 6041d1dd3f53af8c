"""``allavie receipts --year YYYY``: every receipt and credit receipt of one year, as CSV.

One row per receipt, by number, with the fields the receipt printed (seller, organisation number,
date, treatment, amount, VAT rate and VAT amount) and no personal data. Below the rows, on stderr,
the check a bookkeeper asks for: whether the year's numbers run without a gap, and which of the
year's ledger rows have no receipt (a credit receipt that could not be issued after its refund).
Reads the table like ``allavie ledger`` (``--local`` for make dev's).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from typing import TextIO

from . import table
from .ledger import _year

COLUMNS = ("number", "type", "issued_on", "treatment", "amount_sek", "currency", "vat_rate", "vat_sek",
           "credits_number", "booking_id", "payment_intent_id", "stripe_object_id", "seller", "trade_name",
           "organisation_number")


def gaps(numbers: list[int]) -> list[int]:
    """The numbers missing between the lowest and the highest."""
    present = set(numbers)
    return [n for n in range(min(present), max(present) + 1) if n not in present] if present else []


def listing(year: int, out: TextIO, err: TextIO, now: dt.datetime | None = None) -> int:
    """Write the year's receipts; returns 1 when a number is missing or a ledger row has no receipt."""
    from ..domain import clock, db, ledger, receipts

    db.bind()
    moment = now or clock.now()
    found = sorted(receipts.for_year(year, moment), key=lambda r: int(r.number))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in found:
        writer.writerow((int(r.number), r.receipt_type, r.issued_on, r.treatment, ledger.format_sek(int(r.amount_ore)),
                         r.currency.upper(), int(r.vat_percent), ledger.format_sek(int(r.vat_ore)),
                         "" if r.credits_number is None else int(r.credits_number), r.booking_id, r.payment_intent_id,
                         r.stripe_object_id, r.seller, r.trade_name, r.organisation_number))
    numbers = [int(r.number) for r in found]
    missing = gaps(numbers)
    without = [row for row in ledger.for_year(year, moment) if row.receipt_number is None]
    if numbers:
        print(f"receipts {year}: numbers {min(numbers)}-{max(numbers)}, "
              + (f"missing {', '.join(map(str, missing))}" if missing else "no gaps"), file=err)
    else:
        print(f"receipts {year}: none", file=err)
    for row in without:
        print(f"no receipt for the ledger row {row.entry_type} {row.stripe_object_id} of booking {row.booking_id} "
              f"({row.booked_on})", file=err)
    return 1 if missing or without else 0


def run(args: argparse.Namespace) -> int:
    return listing(args.year, sys.stdout, sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("receipts", help="list one year's receipts and credit receipts as CSV, checking the series")
    parser.add_argument("--year", type=_year, required=True, help="calendar year, e.g. 2027")
    table.add_local_switch(parser)
    parser.set_defaults(func=table.reads_the_table(run))
