"""``allavie rights``: answer data-subject requests that arrive by e-mail or phone.

    allavie rights export --email X [--out FILE] [--received YYYY-MM-DD]
    allavie rights erase  --email X [--yes]      [--received YYYY-MM-DD]
    allavie rights report --month YYYY-MM

The same domain as the links in e-mails (registerutdrag, erasure with its
cancellations and refunds); every request is recorded with channel
``operator`` and its date of receipt, so the report shows it was answered
within the month GDPR allows. Reads the table named by ``TABLE_NAME`` with the
AWS credentials and region of the shell, or with ``--local`` make dev's (see
commands/table.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from . import table


def _bind() -> None:
    from ..domain import db

    db.bind()


def _received(value: str | None, now: dt.datetime) -> dt.datetime:
    if not value:
        return now
    from ..domain import STOCKHOLM

    day = dt.date.fromisoformat(value)
    return min(now, dt.datetime.combine(day, dt.time(12), STOCKHOLM).astimezone(dt.timezone.utc))


def export(email: str, out: TextIO, *, received: str | None = None, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """Write the customer's registerutdrag as JSON; None (and nothing written) when nobody has the address."""
    _bind()
    from ..domain import clock, lookups, rights, rights_export, rights_log

    moment = now or clock.now()
    customer = lookups.customer_by_email(rights.normalise_email(email), moment)
    document = rights_export.export(customer.customer_id, moment) if customer else None
    rights_log.record("access", "operator", "exported" if document else "no_data", moment,
                      received_at=_received(received, moment))
    if document is not None:
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return document


def erase(email: str, *, received: str | None = None, now: dt.datetime | None = None,
          language: str = "sv") -> dict[str, Any] | None:
    """Erase the customer with this address; None when nobody has it."""
    _bind()
    from ..domain import clock, erasure, lookups, rights, rights_log

    moment = now or clock.now()
    customer = lookups.customer_by_email(rights.normalise_email(email), moment)
    if customer is None:
        rights_log.record("erasure", "operator", "no_data", moment, received_at=_received(received, moment))
        return None
    result = erasure.erase(customer, moment, channel="operator", language=language,
                           received_at=_received(received, moment))
    return result.public()


def report(month: str, out: TextIO, *, now: dt.datetime | None = None) -> int:
    """Print one month's requests and whether each was answered in time; returns how many were late."""
    _bind()
    from ..domain import clock, local, rights_log

    year, number = rights_log.parse_month(month)
    lines = rights_log.month(year, number, now or clock.now())
    out.write(f"Data-subject requests received {month}: {len(lines)}\n")
    out.write(f"{'received':<17} {'answered':<17} {'type':<14} {'channel':<9} {'outcome':<14} {'days':>4}  in time\n")
    late = 0
    for line in lines:
        answered = f"{local(line.answered_at):%Y-%m-%d %H:%M}" if line.answered_at else "-"
        days = (line.answered_at - line.received_at).days if line.answered_at else "-"
        late += 0 if line.in_time else 1
        out.write(f"{local(line.received_at):%Y-%m-%d %H:%M} {answered:<17} {line.request_type:<14} {line.channel:<9} "
                  f"{line.outcome or '-':<14} {days:>4}  {'yes' if line.in_time else 'NO'}\n")
    out.write("All answered within one month.\n" if not late else f"{late} not answered within one month.\n")
    return late


def run_export(args: argparse.Namespace) -> int:
    if args.out:
        with Path(args.out).open("w", encoding="utf-8") as handle:
            document = export(args.email, handle, received=args.received)
    else:
        document = export(args.email, sys.stdout, received=args.received)
    if document is None:
        print(f"Nothing is stored about {args.email}.", file=sys.stderr)
        return 1
    if args.out:
        print(f"Wrote {args.out}. Send it to the customer over a channel you have checked is theirs.", file=sys.stderr)
    return 0


def run_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        typed = input(f"Erase everything about {args.email}? Type the address again to confirm: ")
        if typed.strip().lower() != args.email.strip().lower():
            print("Not confirmed; nothing was erased.", file=sys.stderr)
            return 2
    result = erase(args.email, received=args.received)
    if result is None:
        print(f"Nothing is stored about {args.email}.", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def run_report(args: argparse.Namespace) -> int:
    return 1 if report(args.month, sys.stdout) else 0


def _month(value: str) -> str:
    try:
        dt.datetime.strptime(value, "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a month such as 2026-12") from None
    return value


def _day(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date such as 2026-12-01") from None
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("rights", help="answer data-subject requests that came by e-mail or phone (export, erase, report)")
    commands = parser.add_subparsers(dest="rights_command", required=True, metavar="ACTION")
    received_help = "the day the request arrived (default today), for the one-month record"

    export_parser = commands.add_parser("export", help="print a customer's registerutdrag (JSON) by e-mail address")
    export_parser.add_argument("--email", required=True)
    export_parser.add_argument("--out", help="write to this file instead of standard output")
    export_parser.add_argument("--received", type=_day, help=received_help)
    table.add_local_switch(export_parser)
    export_parser.set_defaults(func=table.reads_the_table(run_export, photos=lambda args: True))  # its photos' links

    erase_parser = commands.add_parser("erase", help="erase a customer by e-mail address (keeps the ledger, says what and why)")
    erase_parser.add_argument("--email", required=True)
    erase_parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase_parser.add_argument("--received", type=_day, help=received_help)
    table.add_local_switch(erase_parser)
    erase_parser.set_defaults(func=table.reads_the_table(run_erase, photos=lambda args: True))

    report_parser = commands.add_parser("report", help="list one month's requests and whether each was answered in time")
    report_parser.add_argument("--month", type=_month, required=True, help="e.g. 2026-12")
    table.add_local_switch(report_parser)
    report_parser.set_defaults(func=table.reads_the_table(run_report))
