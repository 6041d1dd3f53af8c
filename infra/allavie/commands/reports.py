"""``allavie reports rebuild --from DATE --to DATE``: compute the owner's per-day aggregates of a period again
from the bookings, the ledger and the page counts (``reports.rebuild``), e.g. after a stream outage longer than
the stream keeps records (24 hours) or a change of what is counted. Safe while the stream runs: every write is
conditional, and the live handler goes on from the rebuilt values."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from . import table

MAX_DAYS = 366


def run(args: argparse.Namespace) -> int:
    from ..domain import clock, db, reports_rebuild

    if args.to < args.from_:
        print("allavie reports rebuild: --to is before --from")
        return 2
    if (args.to - args.from_).days + 1 > MAX_DAYS:
        print(f"allavie reports rebuild: at most {MAX_DAYS} days at a time")
        return 2
    db.bind()
    result = reports_rebuild.rebuild(args.from_, args.to, clock.now())
    print(json.dumps({"from": args.from_.isoformat(), "to": args.to.isoformat(), **result}))
    return 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("reports", help="the owner's reports: rebuild the per-day aggregates of a period")
    kinds = parser.add_subparsers(dest="what", required=True)
    rebuild = kinds.add_parser("rebuild", help="compute a period's per-day aggregates again from the source items")
    rebuild.add_argument("--from", dest="from_", type=_date, required=True, help="first day, YYYY-MM-DD")
    rebuild.add_argument("--to", type=_date, required=True, help="last day, YYYY-MM-DD (at most 366 days)")
    table.add_local_switch(rebuild)
    rebuild.set_defaults(func=table.reads_the_table(run))
