"""``allavie ledger --year YYYY``: the bookkeeping export of one year as CSV.

One row per payment and per refund (amounts in kronor, refunds negative),
by date; no names, e-mail addresses or phone numbers, only booking and
Stripe ids. Reads the table named by ``TABLE_NAME`` (``DYNAMODB_ENDPOINT``
locally; AWS credentials and region in AWS).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from typing import TextIO

from . import FUNCTIONS


def export(year: int, out: TextIO, now: dt.datetime | None = None) -> int:
    """Write the year's rows as CSV with a total line; returns the number of rows."""
    if str(FUNCTIONS) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS))
    from chalicelib.core import clock
    from chalicelib.payments import ledger
    from chalicelib.store import connection as db

    db.bind()
    moment = now or clock.now()
    rows = sorted(ledger.for_year(year, moment), key=lambda r: (r.booked_on, r.recorded_at, r.stripe_object_id))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ledger.CSV_COLUMNS)
    for row in rows:
        writer.writerow(row.csv_values())
    writer.writerow(("total", "", ledger.format_sek(ledger.balance(rows)), "SEK", "", "", "", ""))
    return len(rows)


def run(args: argparse.Namespace) -> int:
    export(args.year, sys.stdout)
    return 0


def _year(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"{value!r} is not a year such as 2026")
    return int(value)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("ledger", help="print one year's payments and refunds as CSV (the bookkeeping export)")
    parser.add_argument("--year", type=_year, required=True, help="calendar year, e.g. 2026")
    parser.set_defaults(func=run)
