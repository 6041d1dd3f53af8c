"""The record of processing (GDPR art. 30): every kind of item declares its purpose, legal basis, categories,
recipients and retention where it is defined (``PROCESSING``), the declarations say what the code does, and
``allavie gdpr register`` writes the clinic's register from them (Markdown and CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import inspect
import io
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import cast

import pytest
from allavie.cli import main
from allavie.commands import gdpr
from chalicelib.core import clinic as clinic_module
from chalicelib.store import keytable, models, processing
from chalicelib.store.models import Customer, Item
from chalicelib.store.processing import WITH_THE_CUSTOMER, Basis, Data, Processing, Recipient, Subject

ROOT = Path(__file__).resolve().parents[2]


def walked() -> set[str]:
    """Every kind of item defined in a module of store/models/ (each module found on disk, not a list)."""
    found: set[str] = set()
    for module in pkgutil.iter_modules(models.__path__):
        loaded = importlib.import_module(f"{models.__name__}.{module.name}")
        found |= {name for name, value in inspect.getmembers(loaded, inspect.isclass)
                  if issubclass(value, Item) and value is not Item and value.__module__ == loaded.__name__}
    return found


def test_every_kind_of_item_declares_its_processing() -> None:
    names = {name for name, _ in processing.declared(keytable.kinds())}
    assert names == walked() == {kind.__name__ for kind in keytable.kinds()}
    assert {"Customer", "Booking", "Photo", "LedgerEntry", "CookieConsent", "PageCount", "RightsRequest"} <= names


def test_a_kind_without_a_declaration_fails_naming_it() -> None:
    planted = cast(type[Item], type("Voucher", (), {}))
    with pytest.raises(processing.Undeclared) as failed:
        processing.declared([*keytable.kinds(), planted])
    assert failed.value.names == ["Voucher"] and "Voucher" in str(failed.value)


def test_a_declaration_inherited_from_another_kind_does_not_count() -> None:
    # Plain classes: a subclass of a real model would stay among Item's subclasses for the tests after this one.
    declared = type("Declared", (), {"PROCESSING": Customer.PROCESSING})
    inherited = type("DeclaredCopy", (declared,), {})
    assert processing.declaration(declared) is Customer.PROCESSING and processing.declaration(inherited) is None


def test_a_model_planted_without_a_declaration_stops_the_command() -> None:
    script = textwrap.dedent("""
        import sys
        from chalicelib.store.table import Item, Keys
        from allavie.cli import main

        class Voucher(Item, discriminator="voucher"):
            KEYS = Keys(pk="`VOUCHER#<id>`", sk="`VOUCHER`")

        sys.exit(main(["gdpr", "register", "--format", "csv"]))
    """)
    path = os.pathsep.join([str(ROOT / "functions"), str(ROOT / "infra"), os.environ.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False, env={**os.environ, "PYTHONPATH": path})
    assert done.returncode == 1, done.stderr
    assert "allavie gdpr: no PROCESSING declared for Voucher:" in done.stderr and done.stdout == ""


def test_a_declaration_of_personal_data_needs_a_basis_and_recipients() -> None:
    with pytest.raises(ValueError, match="legal basis"):
        Processing(purpose_sv="x", purpose_en="x", legal_basis=(), subjects=(Subject.CUSTOMERS,),
                   categories=(Data.NAME,), recipients=(Recipient.DYNAMODB,), retention=WITH_THE_CUSTOMER)
    with pytest.raises(ValueError, match="art. 9.2"):
        Processing(purpose_sv="x", purpose_en="x", legal_basis=(Basis.CONTRACT,), subjects=(Subject.CUSTOMERS,),
                   categories=(Data.HEALTH,), recipients=(Recipient.DYNAMODB,), retention=WITH_THE_CUSTOMER)


# --- the declarations say what the code does ------------------------------------------------------------------

def _declared() -> dict[str, Processing]:
    return dict(processing.declared(keytable.kinds()))


def _discriminator(kind: type[Item]) -> str:
    attribute = Item._get_discriminator_attribute()
    assert attribute is not None
    return str(attribute.get_discriminator(kind))


def test_what_lives_with_the_customer_declares_the_customers_retention() -> None:
    from chalicelib.retention import dates
    from chalicelib.retention.expiry import CUSTOMER_LIFETIME_KINDS

    assert f"{dates.RETENTION_MONTHS} månader" in WITH_THE_CUSTOMER.sv
    assert f"{dates.RETENTION_MONTHS} months" in WITH_THE_CUSTOMER.en
    for kind in keytable.kinds():
        entry = processing.declaration(kind)
        assert entry is not None
        if _discriminator(kind) in CUSTOMER_LIFETIME_KINDS:  # an OptIn goes earlier, when consent is withdrawn
            assert WITH_THE_CUSTOMER.sv in entry.retention.sv, kind.__name__
        if kind.KEYS is not None and kind.KEYS.pk.startswith("`CUST#"):
            assert Subject.CUSTOMERS in entry.subjects, kind.__name__
    assert _declared()["Customer"].retention == WITH_THE_CUSTOMER


def test_the_periods_are_the_codes() -> None:
    from chalicelib.booking import locks, take
    from chalicelib.cookies import analytics, consent
    from chalicelib.payments import webhooks
    from chalicelib.retention import dates
    from chalicelib.rights import fresh_link
    from chalicelib.rights import log as rights_log
    from chalicelib.rights import mail as rights_mail
    from chalicelib.staff import blocks, notify, sessions, signin

    declared = _declared()
    for name in ("LedgerEntry", "RefundClaim", "Receipt"):
        assert f"{dates.BOOKKEEPING_YEARS} år" in declared[name].retention.sv
    rate_window = {take.HOLD_WINDOW, fresh_link.LINK_WINDOW}
    assert rate_window == {dt.timedelta(hours=1)}
    expected = {
        "CookieConsent": f"{consent.PROOF_YEARS} år",
        "PageCount": f"{analytics.KEEP_MONTHS} månader",
        "RightsRequest": f"{rights_log.KEEP_MONTHS} månader",
        "DeletionRecord": f"{dates.RETENTION_MONTHS} månader",
        "WebhookEvent": f"{webhooks.KEEP_EVENT_IDS.days} dagar",
        "StaffSession": f"{sessions.SESSION_HOURS} timmar",
        "SignInLink": f"{notify.SIGNIN_MINUTES} minuter",
        "SignInFailure": f"{int(signin.FAILURE_KEPT.total_seconds() // 60)} minuter",
        "Block": f"{blocks.KEEP.days} dagar",
        "RateLimit": "2 timmar",
        "EmailChange": f"{rights_mail.EMAIL_CONFIRM_HOURS} timmar",
    }
    for name, period in expected.items():
        assert period in declared[name].retention.sv, (name, period)
    assert locks.LOCK_KEEP == blocks.MARKER_KEEP == dt.timedelta(days=1)
    assert declared["SlotLock"].retention.sv.startswith("ett dygn efter")
    assert declared["BlockMarker"].retention.sv.startswith("ett dygn efter")


def test_the_processors_the_code_calls_are_recipients() -> None:
    declared = _declared()
    assert Recipient.STRIPE in declared["Booking"].recipients  # payments.gateway sends the booking's ids and amount
    assert {Recipient.SES, Recipient.SNS} <= set(declared["Message"].recipients)  # messages.transports
    assert Recipient.S3 in declared["Photo"].recipients  # photos.bucket
    assert Recipient.CALENDAR in declared["Booking"].recipients  # staff.feed: first name and treatment
    for name, entry in declared.items():
        assert Recipient.DYNAMODB in entry.recipients, name
    assert declared["Booking"].transfers == (Recipient.STRIPE.transfer,)


# --- the register ---------------------------------------------------------------------------------------------

def test_the_csv_parses_back_as_the_declarations() -> None:
    clinic = clinic_module.load()
    parsed = list(csv.DictReader(io.StringIO(gdpr.render("csv", clinic))))
    declared = _declared()
    assert [row["item"] for row in parsed] == [kind.__name__ for kind in keytable.kinds()]
    for row in parsed:
        entry = declared[row["item"]]
        assert tuple(row) == gdpr.COLUMNS
        assert row["purpose_sv"] == entry.purpose_sv and row["retention_en"] == entry.retention.en
        assert row["legal_basis"].split(gdpr.SEPARATOR) == [b.article for b in entry.legal_basis] or not entry.legal_basis
        assert row["categories_sv"].split(gdpr.SEPARATOR) == [c.sv for c in entry.categories] or not entry.categories
        assert row["personal_data"] == ("ja" if entry.personal else "nej")
        assert clinic.organisation in row["controller"] and clinic.address in row["controller"]


def test_the_markdown_has_a_section_per_kind_and_the_controller() -> None:
    clinic = clinic_module.load()
    text = gdpr.render("md", clinic)
    assert text.startswith("# Register över behandlingar")
    assert clinic.organisation in text and clinic.address in text and clinic.phone in text
    for kind in keytable.kinds():
        assert f"\n### {kind.__name__}\n" in text
        assert f"\n| {kind.__name__} | " in text
    assert "USA (Stripe" in text and "## Säkerhetsåtgärder" in text


def test_the_command_writes_the_register_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    assert main(["gdpr", "register", "--format", "csv", "--out", str(out)]) == 0
    assert len(list(csv.DictReader(out.open(encoding="utf-8", newline="")))) == len(keytable.kinds())
    markdown = tmp_path / "register.md"
    assert main(["gdpr", "register", "--out", str(markdown)]) == 0
    assert markdown.read_text(encoding="utf-8").count("\n### ") == len(keytable.kinds())
