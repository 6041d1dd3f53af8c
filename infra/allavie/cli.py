"""``allavie``: the operator's command. Each group of sub-commands lives in its
own module under ``allavie.commands`` with a ``register(subparsers)`` function;
add new ones to COMMANDS. Commands that read the table take ``--local``."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = (
    "allavie.commands.dev",        # dev, init-table [--local], test-pay
    "allavie.commands.deploy",     # plan, deploy, destroy (AWS)
    "allavie.commands.ledger",     # ledger --year YYYY [--local] (bookkeeping export, CSV); ledger sie --year [--month]
    "allavie.commands.reports",    # reports rebuild --from DATE --to DATE [--local] (the per-day aggregates again)
    "allavie.commands.receipts",   # receipts --year YYYY [--local] (receipts and credit receipts, CSV; the series checked)
    "allavie.commands.rights",     # rights export|erase --email X [--local], rights report --month YYYY-MM [--local]
    "allavie.commands.retention",  # retention --as-of YYYY-MM-DD [--apply] [--local]
    "allavie.commands.messages",   # messages failed|resend ID [--local] (the outbox's dead letters)
    "allavie.commands.gdpr",       # gdpr register [--format md|csv] [--out FILE] (art. 30; no stack needed)
    "allavie.commands.staff",      # staff reindex [--local], staff reset-code --staff ID [--local] (the back office)
    "allavie.commands.settings",   # settings export [--out FILE] [--local], settings import FILE [--yes] [--local]
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
