"""``allavie``: the operator's command. Each sub-command lives in its own
module with a ``register(subparsers)`` function; add new ones to COMMANDS."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = (
    "allavie.dev",        # dev, init-table
    "allavie.deploy",     # plan, deploy, destroy (AWS)
    "allavie.ledger_cmd",  # ledger --year YYYY (bookkeeping export, CSV)
    "allavie.rights_cmd",  # rights export|erase --email X, rights report --month YYYY-MM
    "allavie.retention_cmd",  # retention --as-of YYYY-MM-DD [--apply]
    "allavie.messages_cmd",  # messages failed, messages resend ID (the outbox's dead letters)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allavie", description="Operate the Allavie booking and privacy platform.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
