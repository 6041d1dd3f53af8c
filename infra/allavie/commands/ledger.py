"""``allavie ledger --year YYYY``: the bookkeeping export of one year as CSV; ``allavie ledger sie --year YYYY
[--month MM] [--out FILE]``: the accountant's SIE 4I file of the year or month (the same file as
``GET /staff/reports/sie``), to standard output or a file.

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
from typing import BinaryIO, TextIO

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


def sie(year: int, month: int | None, out: BinaryIO, now: dt.datetime | None = None) -> str:
    """Write the period's SIE 4I bytes; returns the file's name as the API gives it."""
    from ..domain import clock, db, reports_books

    db.bind()
    name, body = reports_books.sie_file(year, month, now or clock.now())
    out.write(body)
    out.flush()
    return name


def run(args: argparse.Namespace) -> int:
    if getattr(args, "what", None) != "sie":
        if args.year is None:
            print("allavie ledger: --year is required (e.g. --year 2026)", file=sys.stderr)
            return 2
        export(args.year, sys.stdout)
        return 0
    if args.out is None:
        sie(args.year, args.month, sys.stdout.buffer)
        return 0
    with open(args.out, "wb") as handle:
        name = sie(args.year, args.month, handle)
    print(f"wrote {args.out} ({name})", file=sys.stderr)
    return 0


def _month(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 12:
        raise argparse.ArgumentTypeError(f"{value!r} is not a month 1-12")
    return int(value)


def _year(value: str) -> int:
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"{value!r} is not a year such as 2026")
    return int(value)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("ledger", help="print one year's payments and refunds as CSV (the bookkeeping export), "
                                           "or (ledger sie) the accountant's SIE 4I file")
    parser.add_argument("--year", type=_year, help="calendar year, e.g. 2026")
    table.add_local_switch(parser)
    parser.set_defaults(func=table.reads_the_table(run), what=None)
    kinds = parser.add_subparsers(dest="what")
    file = kinds.add_parser("sie", help="the SIE 4I file (verifikationer) of a year or a month, CP437, CRLF")
    file.add_argument("--year", type=_year, required=True, help="calendar year, e.g. 2026")
    file.add_argument("--month", type=_month, help="one month of the year, 1-12 (default: the whole year)")
    file.add_argument("--out", help="write to this file (default: standard output)")
    table.add_local_switch(file)
    file.set_defaults(func=table.reads_the_table(run))
