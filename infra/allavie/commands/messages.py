"""``allavie messages``: the outbox's dead letters, for the operator.

    allavie messages failed            # every message that failed all its attempts, oldest first
    allavie messages resend ID         # queue it again; the table's stream sends it

A message is failed after ``messages.outbox.MAX_ATTEMPTS`` attempts with backoff (about
nine hours); until then the scheduled retry keeps trying by itself. Reads the table named
by ``TABLE_NAME`` with the AWS credentials and region of the shell, or with ``--local`` make dev's
(see commands/table.py).
Nothing here prints a message's content: the list names the purpose, the channel and the
customer id, and the error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from . import table


def _domain() -> None:
    from ..domain import db

    db.bind()


def failed(out: TextIO = sys.stdout) -> list[Any]:
    """Print the failed messages, one a line; returns them."""
    _domain()
    from ..domain import clock, outbox

    found = outbox.failed()
    if not found:
        print("No failed messages.", file=out)
    for message in found:
        at = clock.iso_local(message.failed_at) if message.failed_at else "-"
        print(f"{message.message_id}  failed {at}  {message.channel} {message.purpose}  customer "
              f"{message.customer_id}  after {int(message.attempts or 0)} attempts: {message.last_error or '-'}",
              file=out)
    return found


def resend(message_id: str, out: TextIO = sys.stdout) -> bool:
    _domain()
    from ..domain import clock, outbox

    queued = outbox.resend(message_id, clock.now())
    if queued is None:
        print(f"allavie messages resend: no failed message {message_id!r} (see `allavie messages failed`)",
              file=sys.stderr)
        return False
    print(f"{message_id}: queued again; the table's stream sends it", file=out)
    return True


def run(args: argparse.Namespace) -> int:
    if args.action == "failed":
        failed()
        return 0
    return 0 if resend(args.message_id) else 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("messages", help="the outbox's failed messages: list them, resend one")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listed = actions.add_parser("failed", help="every message that failed all its attempts")
    table.add_local_switch(listed)
    listed.set_defaults(func=table.reads_the_table(run))
    again = actions.add_parser("resend", help="queue a failed message again")
    again.add_argument("message_id", help="the id `allavie messages failed` names")
    table.add_local_switch(again)
    again.set_defaults(func=table.reads_the_table(run))
