"""Receipts (issue 15): a receipt after each payment and a credit receipt after each refund, each with
every field a Swedish receipt needs, numbered from one series without gaps, never issued twice.

The in-process tests are Stripe themselves (signed deliveries, as tests/functional/test_payments_e2e.py);
the race goes through the real HTTP server (``chalice local``) with 20 webhook deliveries at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from allavie import cli
from allavie.local import servers
from chalicelib.core import clinic as clinic_module
from chalicelib.payments import ledger
from chalicelib.store.models import Customer, Item, LedgerEntry, Receipt, ReceiptCounter
from support import clock as run_clock
from support import stripe_events
from support.booking_data import answer, fragment, get, post
from support.receipts import SERVICE, deliver, paid_booking, pay, succeeded_event

NOW = "2027-03-20T12:00:00+01:00"
ROOT = Path(__file__).resolve().parents[2]
ORGANISATION_NUMBER = "556123-4567"


def clinic_file(tmp_path: Path, *, number: str = ORGANISATION_NUMBER, peel_vat: int | None = None) -> Path:
    text = (ROOT / "functions" / "chalicelib" / "clinic.yml").read_text(encoding="utf-8")
    text = text.replace('organisation_number: ""', f'organisation_number: "{number}"')
    if peel_vat is not None:
        head, peel = text.split("  - id: kemisk-peeling\n", 1)
        peel = peel.replace("    vat_percent: 25\n", f"    vat_percent: {peel_vat}\n", 1)
        text = head + "  - id: kemisk-peeling\n" + peel
    path = tmp_path / "clinic.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def api(client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    monkeypatch.setenv("CLINIC_FILE", str(clinic_file(tmp_path)))
    return client












def receipts_in(outbox: Any, address: str, word: str = "Kvitto") -> list[Any]:
    return [m for m in outbox.emails_to(address) if str(m["Subject"]).startswith(word)]


def fields_of(message: Any) -> dict[str, str]:
    """The receipt's rows as the text part prints them ("Label: value")."""
    rows = {}
    for line in message.get_body(preferencelist=("plain",)).get_content().splitlines():
        label, sep, value = line.partition(": ")
        if sep and not label.startswith("http"):
            rows.setdefault(label, value)
    return rows


def receipts() -> list[Receipt]:
    return sorted((i for i in Item.scan() if isinstance(i, Receipt)), key=lambda r: int(r.number))


# --- every field, once -------------------------------------------------------------------------


def test_a_payment_and_its_refund_give_a_receipt_and_a_credit_receipt_with_every_field(
        api: Any, stripe_url: str, outbox: Any) -> None:
    booking = paid_booking(api, stripe_url)
    [mail] = receipts_in(outbox, "astrid@example.se")
    assert mail["Subject"] == "Kvitto nr 1 från Hudateljén"
    rows = fields_of(mail)
    assert rows["Säljare"] == "Allavie AB (Hudateljén)"                 # seller: organisation and trade name
    assert rows["Organisationsnummer"] == ORGANISATION_NUMBER            # organisation number
    assert rows["Adress"] == "Prästgatan 30, 831 31 Östersund"           # address
    assert rows["Kvittonummer"] == "1"                                   # number
    assert rows["Datum"] == "2027-03-20 12:00"                           # date (Stockholm)
    assert rows["Behandling"] == "Kemisk peeling (förskott)"             # treatment
    assert rows["Belopp"] == "300,00\u00a0kr"                            # amount, VAT included
    assert rows["Momssats"] == "25\u00a0%"                               # VAT rate
    assert rows["Moms"] == "60,00\u00a0kr"                               # VAT: 300 × 25 / 125
    assert rows["Belopp utan moms"] == "240,00\u00a0kr"
    html = mail.get_body(preferencelist=("html",)).get_content()
    for value in ("Allavie AB (Hudateljén)", ORGANISATION_NUMBER, "Kvittonummer", "Momssats", "60,00"):
        assert value in html

    cancelled = post(api, f"/bookings/{booking.booking_id}/cancel", None, token=manage_token(outbox))
    assert cancelled.status_code == 200 and answer(cancelled)["refund"]["amount_sek"] == 300
    [credit] = receipts_in(outbox, "astrid@example.se", "Kreditkvitto")
    assert credit["Subject"] == "Kreditkvitto nr 2 från Hudateljén"
    rows = fields_of(credit)
    assert rows["Säljare"] == "Allavie AB (Hudateljén)"
    assert rows["Organisationsnummer"] == ORGANISATION_NUMBER
    assert rows["Adress"] == "Prästgatan 30, 831 31 Östersund"
    assert rows["Kreditkvittonummer"] == "2" and rows["Avser kvitto nr"] == "1"
    assert rows["Datum"] == "2027-03-20 12:00"
    assert rows["Behandling"] == "Kemisk peeling (förskott)"
    assert rows["Återbetalt belopp"] == "\u2212300,00\u00a0kr"
    assert rows["Momssats"] == "25\u00a0%" and rows["Moms"] == "\u221260,00\u00a0kr"

    # the records: accounting records without personal data, kept like the ledger
    stored = receipts()
    assert [(r.number, r.receipt_type, r.amount_ore, r.vat_ore, r.credits_number) for r in stored] == [
        (1, "receipt", 30000, 6000, None), (2, "credit", -30000, -6000, 1)]
    assert all(r.expires_at == dt.datetime(2035, 1, 1, tzinfo=dt.timezone.utc) - dt.timedelta(hours=1) for r in stored)
    text = json.dumps([r.to_simple_dict() for r in stored], default=str, ensure_ascii=False).lower()
    assert "astrid" not in text and "070" not in text and "+4670" not in text
    assert ReceiptCounter.get(*ReceiptCounter.key()).last_number == 2

    # the customer's registerutdrag lists both
    data_link = next(link for link in outbox.links(mail) if "/mina-uppgifter/#t=" in link)
    exported = answer(get(api, "/me/export", token=fragment(data_link)["t"]))
    assert [(r["number"], r["receipt_type"]) for r in exported["receipts"]] == [(1, "receipt"), (2, "credit")]


def manage_token(outbox: Any) -> str:
    confirmation = next(m for m in outbox.emails_to("astrid@example.se")
                        if str(m["Subject"]).startswith("Bokningsbekräftelse"))
    return fragment(next(link for link in outbox.links(confirmation) if "/hantera/" in link))["t"]


def test_a_webhook_delivered_again_or_announced_twice_makes_no_second_receipt(
        api: Any, stripe_url: str, outbox: Any) -> None:
    booking = paid_booking(api, stripe_url)
    again = succeeded_event(stripe_url, booking.payment_intent_id)
    assert answer(deliver(api, again))["action"] == "already_confirmed"  # another event id, the same charge
    assert answer(deliver(api, again))["action"] == "duplicate"
    assert [r.number for r in receipts()] == [1]
    assert len(receipts_in(outbox, "astrid@example.se")) == 1
    # a refund retried (the same refund id) is one credit receipt
    from chalicelib.payments import gateway
    from chalicelib.payments import receipts as receipts_module

    paid = gateway.retrieve(booking.payment_intent_id)
    first = receipts_module.refunded(paid, booking.booking_id, "re_same", 30000, dt.datetime.fromisoformat(NOW))
    second = receipts_module.refunded(paid, booking.booking_id, "re_same", 30000, dt.datetime.fromisoformat(NOW))
    assert first is not None and second is not None and first.number == second.number == 2
    assert [r.number for r in receipts()] == [1, 2]


def test_without_an_organisation_number_the_receipt_says_it_is_missing(
        api: Any, stripe_url: str, outbox: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLINIC_FILE", str(clinic_file(tmp_path, number="")))
    paid_booking(api, stripe_url, email="eng@example.se", language="en")
    [mail] = receipts_in(outbox, "eng@example.se", "Receipt")
    rows = fields_of(mail)
    assert rows["Company registration number"] == "missing (not registered yet)"
    assert rows["Seller"] == "Allavie AB (Hudateljén)" and rows["Treatment"] == "Chemical peel (prepayment)"
    assert rows["Amount"] == "SEK 300.00" and rows["VAT rate"] == "25\u00a0%" and rows["VAT"] == "SEK 60.00"


def test_the_vat_rate_is_the_treatments_own(api: Any, stripe_url: str, outbox: Any, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv("CLINIC_FILE", str(clinic_file(tmp_path, peel_vat=6)))
    assert clinic_module.current().service(SERVICE).vat_percent == 6
    paid_booking(api, stripe_url)
    rows = fields_of(receipts_in(outbox, "astrid@example.se")[0])
    assert rows["Momssats"] == "6\u00a0%" and rows["Moms"] == "16,98\u00a0kr"  # 300 × 6 / 106 = 16.981...


def test_the_ledger_export_has_the_vat_columns_and_receipts_are_listed(
        api: Any, stripe_url: str, outbox: Any, capsys: pytest.CaptureFixture[str]) -> None:
    booking = paid_booking(api, stripe_url)
    assert post(api, f"/bookings/{booking.booking_id}/cancel", None, token=manage_token(outbox)).status_code == 200
    capsys.readouterr()
    assert cli.main(["ledger", "--year", "2027"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"receipt_number", "vat_rate", "vat_sek"} <= set(rows[0])
    body_rows = [(r["entry_type"], r["amount_sek"], r["receipt_number"], r["vat_rate"], r["vat_sek"]) for r in rows[:-1]]
    assert body_rows == [("payment", "300.00", "1", "25", "60.00"), ("refund", "-300.00", "2", "25", "-60.00")]
    assert rows[-1]["booked_on"] == "total" and rows[-1]["vat_sek"] == "0.00"

    assert cli.main(["receipts", "--year", "2027"]) == 0
    out = capsys.readouterr()
    listed = list(csv.DictReader(io.StringIO(out.out)))
    assert [(r["number"], r["type"], r["amount_sek"], r["vat_sek"], r["credits_number"]) for r in listed] == [
        ("1", "receipt", "300.00", "60.00", ""), ("2", "credit", "-300.00", "-60.00", "1")]
    assert "receipts 2027: numbers 1-2, no gaps" in out.err


def test_the_listing_flags_a_ledger_row_without_a_receipt(table: None, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.record_payment("b9", "pi_9", "ch_9", 30000, dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.timezone.utc))
    assert cli.main(["receipts", "--year", "2027"]) == 1
    err = capsys.readouterr().err
    assert "receipts 2027: none" in err and "no receipt for the ledger row payment ch_9 of booking b9" in err


# --- numbers under concurrency --------------------------------------------------------------------


def http(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def twenty_prepaid_bookings(api_url: str) -> list[str]:
    """20 holds of 20 people (each from its own network address), on the real clock chalice local runs on."""
    first = run_clock.open_day(3)
    status, found = http("GET", f"{api_url}/availability?service={SERVICE}&from={first}&to={first + dt.timedelta(days=20)}")
    assert status == 200, found
    intents: list[str] = []
    for slot in found["slots"]:
        for staff in slot["staff"]:
            n = len(intents)
            person = {"service": SERVICE, "start": slot["start"], "staff": staff, "name": "Kund " + "ABCDEFGHIJKLMNOPQRSTU"[n],
                      "email": f"kund{n}@example.se", "phone": "070-123 45 67", "marketing": {"email": False, "sms": False}}
            code, made = http("POST", f"{api_url}/bookings", json.dumps(person).encode(),
                              {"Content-Type": "application/json", "X-Forwarded-For": f"192.0.2.{n + 1}"})
            if code == 201:
                intents.append(made["payment"]["client_secret"].split("_secret_")[0])
                break
            assert code == 409, made
        if len(intents) == 20:
            return intents
    raise AssertionError(f"only {len(intents)} prepaid times free in three weeks")


def test_twenty_payments_confirmed_at_once_get_the_numbers_1_to_20(table: None, api_url: str, stripe_url: str,
                                                                  outbox: Any) -> None:
    intents = twenty_prepaid_bookings(api_url)
    for intent in intents:
        pay(stripe_url, intent)
    deliveries = [stripe_events.delivery(succeeded_event(stripe_url, intent), servers.LOCAL_WEBHOOK_SECRET)
                  for intent in intents]
    barrier = threading.Barrier(len(deliveries), timeout=60)

    def send(delivery: tuple[bytes, dict[str, str]]) -> tuple[int, Any]:
        barrier.wait()
        return http("POST", f"{api_url}/webhooks/stripe", *delivery)

    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        answers = list(pool.map(send, deliveries, timeout=120))
    assert [code for code, _ in answers] == [200] * 20, answers
    assert sorted(a["action"] for _, a in answers) == ["confirmed"] * 20

    stored = receipts()
    assert [int(r.number) for r in stored] == list(range(1, 21))  # unique, and no gap
    assert len({r.stripe_object_id for r in stored}) == 20 and {r.receipt_type for r in stored} == {"receipt"}
    assert ReceiptCounter.get(*ReceiptCounter.key()).last_number == 20
    numbered = {int(e.receipt_number) for e in Item.scan() if isinstance(e, LedgerEntry)}
    assert numbered == set(range(1, 21))  # each ledger row names its receipt

    # every customer got theirs, each a different number
    subjects = sorted(str(m["Subject"]) for m in outbox.emails() if str(m["Subject"]).startswith("Kvitto"))
    assert subjects == sorted(f"Kvitto nr {n} från Hudateljén" for n in range(1, 21))
    assert len([i for i in Item.scan() if isinstance(i, Customer)]) == 20

    # the same 20 deliveries again, all at once: nothing more is numbered
    barrier = threading.Barrier(len(deliveries), timeout=60)
    with ThreadPoolExecutor(max_workers=len(deliveries)) as pool:
        again = list(pool.map(send, deliveries, timeout=120))
    assert {code for code, _ in again} == {200}
    assert [int(r.number) for r in receipts()] == list(range(1, 21))
