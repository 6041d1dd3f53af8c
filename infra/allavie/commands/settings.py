"""``allavie settings``: the clinic's settings as a clinic file, to keep in version control and restore.

    allavie settings export [--local] [--out FILE]   # the settings in force, as a clinic file (stdout without --out)
    allavie settings import FILE [--local] [--yes]   # load a clinic file's sections; refused with the forms' errors

The sections the back office edits (treatments, opening hours, exceptions, staff, and those the shop
and benefits add) come from the table; the rest of the file (the clinic's name, the booking rules,
the injection texts) is the deployed clinic file's, which an export copies and an import leaves alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import table

HEADER = ("# The clinic's settings, written by `allavie settings export` from the settings in force.\n"
          "# Load it again with `allavie settings import FILE`; the sections the back office edits come from\n"
          "# here, the rest (clinic, booking, offers, injections) from the deployed clinic file.\n")


def document() -> dict[str, Any]:
    """The clinic file with the settings in force in place of its sections."""
    from ..domain import clinic_live, clinic_sections, staff_settings

    _, values = staff_settings.current()
    return clinic_sections.merged(clinic_live.document(clinic_live.file_path()), values)


def dump(data: dict[str, Any]) -> str:
    import yaml

    return HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def run_export(args: argparse.Namespace) -> int:
    from ..domain import db

    db.bind()
    text = dump(document())
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"allavie settings export: written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def run_import(args: argparse.Namespace) -> int:
    import yaml

    from ..domain import clinic_sections, clock, db, staff_settings

    try:
        data = yaml.safe_load(Path(args.file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        print(f"allavie settings import: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    if not isinstance(data, dict):
        print(f"allavie settings import: {args.file} is not a clinic file (a mapping)", file=sys.stderr)
        return 1
    data = _dates_as_text(data)
    if not args.yes:
        answer = input(f"Replace the clinic's settings with those of {args.file}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("allavie settings import: nothing changed")
            return 1
    db.bind()
    try:
        version = staff_settings.write_document(data, "operator", clock.now())
    except clinic_sections.SettingsError as error:
        print(f"allavie settings import: refused, nothing changed: {error.field}: {error.detail}", file=sys.stderr)
        return 1
    print(f"allavie settings import: loaded {args.file} as version {version}")
    return 0


def _dates_as_text(data: dict[str, Any]) -> dict[str, Any]:
    """YAML reads an unquoted 2026-12-24 as a date; the settings keep the clinic file's text."""
    exceptions = data.get("exceptions")
    if isinstance(exceptions, dict):
        data["exceptions"] = {str(key): value for key, value in exceptions.items()}
    return data


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("settings", help="the clinic's settings as a clinic file: export, import")
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write the settings in force as a clinic file")
    export.add_argument("--out", help="the file to write (default: standard output)")
    table.add_local_switch(export)
    export.set_defaults(func=table.reads_the_table(run_export))
    load = actions.add_parser("import", help="load a clinic file's sections (checked as the back office's forms)")
    load.add_argument("file", help="a clinic file, e.g. one `allavie settings export` wrote")
    load.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    table.add_local_switch(load)
    load.set_defaults(func=table.reads_the_table(run_import))
