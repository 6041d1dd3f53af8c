"""``allavie retention``: what expires by a day, and deleting it.

    allavie retention --as-of YYYY-MM-DD            # list what would expire by the end of that day
    allavie retention --as-of YYYY-MM-DD --apply    # and delete it
    allavie retention --as-of YYYY-MM-DD --local    # against `make dev`'s DynamoDB Local

The same code path as the nightly sweeper and the TTL stream handler
(``chalicelib.retention.sweeper``): a customer goes with their whole partition, their
EmailKey, the local copies of their messages and the time locks of bookings
ahead, and leaves a DeletionRecord without personal data. Lists ids and
dates, never names, e-mail addresses or phone numbers. Reads the table named
by ``TABLE_NAME`` (``DYNAMODB_ENDPOINT`` locally; AWS credentials in AWS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections import Counter
from typing import TextIO

from . import FUNCTIONS


def _local(port: str | None = None) -> None:
    """Point at the DynamoDB Local of ``make dev``, with the credentials it keeps its tables under."""
    from .servers import LOCAL_CREDENTIALS

    os.environ["DYNAMODB_ENDPOINT"] = f"http://127.0.0.1:{port or os.environ.get('DYNAMODB_PORT', '8002')}"
    for name, value in LOCAL_CREDENTIALS.items():
        os.environ.setdefault(name, value)


def _domain() -> None:
    if str(FUNCTIONS) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS))
    from chalicelib.store import connection as db

    db.bind()


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def retention(as_of: dt.date, apply: bool, out: TextIO, *, now: dt.datetime | None = None) -> int:
    """List (and with ``apply`` delete) what expires by the end of ``as_of``; returns how many roots."""
    _domain()
    from chalicelib.core import clock
    from chalicelib.retention import sweeper

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
    if args.local:
        _local()
    from pynamodb.exceptions import PynamoDBException

    try:
        retention(args.as_of, args.apply, sys.stdout)
    except PynamoDBException as error:  # the operator gets one line, not a traceback
        print(f"allavie retention: the table did not answer: {error}", file=sys.stderr)
        return 2
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("retention", help="list what expires by a day (36 months after the last visit); --apply deletes it")
    parser.add_argument("--as-of", required=True, type=_day, metavar="YYYY-MM-DD",
                        help="the last day to include, in Stockholm time")
    parser.add_argument("--apply", action="store_true", help="delete it (otherwise only list)")
    parser.add_argument("--local", action="store_true",
                        help="use the DynamoDB Local of `make dev` (127.0.0.1:$DYNAMODB_PORT, default 8002)")
    parser.set_defaults(func=run)
