"""``allavie messages``: the outbox's dead letters, for the operator.

    allavie messages failed            # every message that failed all its attempts, oldest first
    allavie messages resend ID         # queue it again; the table's stream sends it

A message is failed after ``messages.outbox.MAX_ATTEMPTS`` attempts with backoff (about
nine hours); until then the scheduled retry keeps trying by itself. Reads the table named
by ``TABLE_NAME`` (``DYNAMODB_ENDPOINT`` locally; AWS credentials and region in AWS).
Nothing here prints a message's content: the list names the purpose, the channel and the
customer id, and the error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from . import FUNCTIONS


def _domain() -> None:
    if str(FUNCTIONS) not in sys.path:
        sys.path.insert(0, str(FUNCTIONS))
    from chalicelib.store import connection as db

    db.bind()


def failed(out: TextIO = sys.stdout) -> list[Any]:
    """Print the failed messages, one a line; returns them."""
    _domain()
    from chalicelib.core import clock
    from chalicelib.messages import outbox

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
    from chalicelib.core import clock
    from chalicelib.messages import outbox

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
    actions.add_parser("failed", help="every message that failed all its attempts").set_defaults(func=run)
    again = actions.add_parser("resend", help="queue a failed message again")
    again.add_argument("message_id", help="the id `allavie messages failed` names")
    again.set_defaults(func=run)
