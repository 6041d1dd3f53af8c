"""``allavie retention``: what expires by a day, and deleting it.

    allavie retention --as-of YYYY-MM-DD            # list what would expire by the end of that day
    allavie retention --as-of YYYY-MM-DD --apply    # and delete it
    allavie retention --as-of YYYY-MM-DD --local    # against `make dev`'s DynamoDB Local and outbox

The same code path as the nightly sweeper and the TTL stream handler
(``chalicelib.retention.sweeper``): a customer goes with their whole partition, their
EmailKey, the local copies of their messages and the time locks of bookings
ahead, and leaves a DeletionRecord without personal data. Lists ids and
dates, never names, e-mail addresses or phone numbers. Reads the table named
by ``TABLE_NAME`` with the AWS credentials and region of the shell, or with
``--local`` make dev's (see commands/table.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from typing import TextIO

from . import table


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def retention(as_of: dt.date, apply: bool, out: TextIO, *, now: dt.datetime | None = None) -> int:
    """List (and with ``apply`` delete) what expires by the end of ``as_of``; returns how many roots."""
    from ..domain import clock, db, sweeper

    db.bind()
    moment = now or clock.now()
    due = sweeper.expired(as_of)
    out.write(f"Expiring by the end of {as_of.isoformat()} (Europe/Stockholm): {len(due)}\n")
    for root in due:
        ends = clock.local(root.expires_at)
        name = f"customer {root.customer_id} (with all their data)" if root.customer_id else f"{root.pk} {root.sk}"
        out.write(f"  {ends:%Y-%m-%d %H:%M}  {root.kind:<16} {name}\n")
    counts = Counter(root.kind for root in due)
    if counts:
        out.write("By kind: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) + "\n")
    if not apply:
        out.write("Nothing deleted; add --apply to delete.\n" if due else "")
        return len(due)
    if sweeper.limit_of(as_of) > moment:
        out.write(f"Note: {as_of.isoformat()} has not ended yet; this deletes data before its time.\n")
    report = sweeper.sweep(as_of, moment, reason="operator")
    items = ", ".join(f"{kind} {n}" for kind, n in sorted(report.items.items()) if n) or "none"
    out.write(f"Deleted: {report.customers} customers; items: {items}.\n")
    if report.kept:
        out.write(f"Kept {report.kept} that moved or went meanwhile (e.g. a customer who booked again).\n")
    return len(due)


def run(args: argparse.Namespace) -> int:
    retention(args.as_of, args.apply, sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("retention", help="list what expires by a day (36 months after the last visit); --apply deletes it")
    parser.add_argument("--as-of", required=True, type=_day, metavar="YYYY-MM-DD",
                        help="the last day to include, in Stockholm time")
    parser.add_argument("--apply", action="store_true", help="delete it (otherwise only list)")
    table.add_local_switch(parser)
    parser.set_defaults(func=table.reads_the_table(run, photos=lambda args: bool(args.apply)))  # the sweep erases photos
