"""``allavie gdpr register [--format md|csv] [--out FILE]``: the clinic's record of processing (GDPR art. 30).

Written from the declarations every kind of item in the table carries (``PROCESSING`` in
``chalicelib/store/models/``, ``chalicelib.store.processing``) and the controller's identity in the clinic
file: one section (Markdown) or one row (CSV) per kind of item. Reads no table and needs no stack; a kind
of item without a declaration is an error naming it (exit 1), never a register with a hole in it.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.core.clinic import Clinic
    from chalicelib.store.processing import Processing

FORMATS = ("md", "csv")
COLUMNS = ("item", "personal_data", "purpose_sv", "purpose_en", "legal_basis", "legal_basis_sv", "data_subjects",
           "categories_sv", "categories_en", "recipients", "third_country_transfers", "retention_sv", "retention_en",
           "controller")
SEPARATOR = "; "

# Art. 30.1 g: what protects the data, as the platform does it (docs/architecture.md, README "Security").
SECURITY = (
    "Allt lagras i en DynamoDB-tabell och en privat S3-hink i AWS eu-north-1 (Stockholm), krypterat i vila.",
    "Personalen loggar in med en e-postad länk och en engångskod (TOTP); länkar, sessioner och nycklar lagras som hash.",
    "Varje gång personalen ser en kunds uppgifter loggas det hos kunden (vem, vad, när).",
    "Foton kodas om utan metadata; länkar till dem gäller i fem minuter.",
    "Uppgifter raderas automatiskt när lagringstiden gått ut (DynamoDB TTL och en nattlig rensning).",
)


def controller_line(clinic: Clinic) -> str:
    number = f", org.nr {clinic.organisation_number}" if clinic.organisation_number else ""
    return (f"{clinic.organisation} ({clinic.name}){number}, {clinic.address}, {' / '.join(clinic.emails)}, "
            f"tel. {clinic.phone}")


def _bases(entry: Processing, language: str) -> str:
    return SEPARATOR.join(f"{getattr(b, language)} ({b.article})" for b in entry.legal_basis)


def rows(clinic: Clinic, entries: Sequence[tuple[str, Processing]]) -> list[dict[str, str]]:
    """One row per kind of item, in COLUMNS."""
    controller = controller_line(clinic)
    return [{
        "item": name,
        "personal_data": "ja" if entry.personal else "nej",
        "purpose_sv": entry.purpose_sv,
        "purpose_en": entry.purpose_en,
        "legal_basis": SEPARATOR.join(b.article for b in entry.legal_basis),
        "legal_basis_sv": _bases(entry, "sv"),
        "data_subjects": SEPARATOR.join(s.sv for s in entry.subjects),
        "categories_sv": SEPARATOR.join(c.sv for c in entry.categories),
        "categories_en": SEPARATOR.join(c.en for c in entry.categories),
        "recipients": SEPARATOR.join(r.sv for r in entry.recipients),
        "third_country_transfers": SEPARATOR.join(entry.transfers),
        "retention_sv": entry.retention.sv,
        "retention_en": entry.retention.en,
        "controller": controller,
    } for name, entry in entries]


def as_csv(clinic: Clinic, entries: Sequence[tuple[str, Processing]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(clinic, entries))
    return out.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def as_markdown(clinic: Clinic, entries: Sequence[tuple[str, Processing]]) -> str:
    from chalicelib.store.processing import Recipient

    lines = [
        "# Register över behandlingar av personuppgifter (art. 30 GDPR)", "",
        f"**Personuppgiftsansvarig:** {controller_line(clinic)}", "",
        "Registret skrivs av `allavie gdpr register` från det som varje slags post i klinikens databas deklarerar "
        "där den definieras (ändamål, rättslig grund, registrerade, kategorier, mottagare, lagringstid).", "",
        "## Översikt", "",
        "| Post | Ändamål | Rättslig grund | Lagringstid |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {_cell(e.purpose_sv)} | {_cell(_bases(e, 'sv') or '–')} | {_cell(e.retention.sv)} |"
              for name, e in entries]
    lines += ["", "## Behandlingar", ""]
    for name, e in entries:
        lines += [f"### {name}", "",
                  f"- **Ändamål:** {e.purpose_sv}  ",
                  f"  *Purpose:* {e.purpose_en}",
                  f"- **Rättslig grund:** {_bases(e, 'sv') or 'ingen (inga personuppgifter)'}",
                  f"- **Registrerade:** {SEPARATOR.join(s.sv for s in e.subjects) or '–'}",
                  f"- **Kategorier av personuppgifter:** {SEPARATOR.join(c.sv for c in e.categories) or 'inga'}",
                  f"- **Mottagare:** {SEPARATOR.join(r.sv for r in e.recipients)}",
                  f"- **Överföring till tredje land:** {SEPARATOR.join(e.transfers) or 'ingen'}",
                  f"- **Lagringstid:** {e.retention.sv}  ",
                  f"  *Retention:* {e.retention.en}", ""]
    used = [r for r in Recipient if any(r in e.recipients for _, e in entries)]
    lines += ["## Mottagare och var uppgifterna finns", "",
              "| Mottagare | Var | Överföring till tredje land |", "|---|---|---|"]
    lines += [f"| {_cell(r.sv)} | {_cell(r.where)} | {_cell(r.transfer or 'ingen')} |" for r in used]
    lines += ["", "## Säkerhetsåtgärder (art. 32)", ""] + [f"- {line}" for line in SECURITY]
    return "\n".join(lines) + "\n"


def render(form: str, clinic: Clinic) -> str:
    """The register in ``form`` (md or csv) from every kind of item's declaration; ``Undeclared`` if one has none."""
    from ..domain import keytable, processing

    entries = processing.declared(keytable.kinds())
    return as_csv(clinic, entries) if form == "csv" else as_markdown(clinic, entries)


def run(args: argparse.Namespace) -> int:
    from ..domain import clinic, processing

    try:
        text = render(args.format, clinic.load())
    except processing.Undeclared as undeclared:
        print(f"allavie gdpr: {undeclared}", file=sys.stderr)
        return 1
    if args.out is None:
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        print(f"allavie gdpr: wrote {args.out}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("gdpr", help="the clinic's GDPR records (no stack needed)")
    actions = parser.add_subparsers(dest="gdpr_command", required=True, metavar="ACTION")
    book = actions.add_parser("register", help="the record of processing (art. 30) from the item kinds' declarations")
    book.add_argument("--format", choices=FORMATS, default="md", help="Markdown (default) or CSV")
    book.add_argument("--out", help="write to this file (default: standard output)")
    book.set_defaults(func=run)
