"""``allavie ledger --year YYYY``: the bookkeeping export of one year as CSV.

One row per payment and per refund (amounts in kronor, refunds negative),
by date, with the number, VAT rate and VAT amount of its receipt; no names,
e-mail addresses or phone numbers, only booking and Stripe ids. The total
line sums the amounts and the VAT. Reads the table named by ``TABLE_NAME`` with the AWS credentials
and region of the shell, or with ``--local`` make dev's (see commands/table.py).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from typing import TextIO

from . import table


def export(year: int, out: TextIO, now: dt.datetime | None = None) -> int:
    """Write the year's rows as CSV with a total line; returns the number of rows."""
    from ..domain import clock, db, ledger

    db.bind()
    moment = now or clock.now()
    rows = sorted(ledger.for_year(year, moment), key=lambda r: (r.booked_on, r.recorded_at, r.stripe_object_id))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ledger.CSV_COLUMNS)
    for row in rows:
        writer.writerow(row.csv_values())
    total = ("total", "", ledger.format_sek(ledger.balance(rows)), "SEK")
    writer.writerow(total + ("",) * (len(ledger.CSV_COLUMNS) - len(total) - 1)
                    + (ledger.format_sek(ledger.vat_balance(rows)),))
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
    table.add_local_switch(parser)
    parser.set_defaults(func=table.reads_the_table(run))
