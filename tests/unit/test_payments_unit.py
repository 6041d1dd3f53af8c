"""Payments without servers: signatures, money formats, the ledger's dates."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from chalicelib.core.clock import STOCKHOLM, UTC
from chalicelib.payments import gateway as payments
from chalicelib.payments import ledger
from chalicelib.retention import dates as retention
from support import stripe_events

SECRET = "whsec_unit"


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)


def test_a_correctly_signed_event_is_accepted_and_parsed() -> None:
    evt = stripe_events.event("payment_intent.succeeded", {"id": "pi_123", "object": "payment_intent"})
    body, headers = stripe_events.delivery(evt, SECRET)
    verified = payments.verify_event(body, headers["Stripe-Signature"])
    assert (verified.id, verified.type, verified.object["id"]) == (evt["id"], "payment_intent.succeeded", "pi_123")


@pytest.mark.parametrize("tamper", ["other secret", "changed body", "no header", "stale", "garbage header"])
def test_a_bad_signature_is_refused(tamper: str) -> None:
    evt = stripe_events.event("payment_intent.succeeded", {"id": "pi_123"})
    body, headers = stripe_events.delivery(evt, SECRET)
    signature: str | None = headers["Stripe-Signature"]
    if tamper == "other secret":
        signature = stripe_events.sign(body, "whsec_attacker")
    elif tamper == "changed body":
        body = body.replace(b"pi_123", b"pi_999")
    elif tamper == "no header":
        signature = None
    elif tamper == "stale":
        signature = stripe_events.sign(body, SECRET, timestamp=int(time.time()) - 600)  # real clock: stripe checks it
    else:
        signature = "t=1,v0=abc"
    with pytest.raises(payments.BadSignature):
        payments.verify_event(body, signature)


def test_the_raw_bytes_are_verified_not_a_re_encoding() -> None:
    """Non-ASCII text signed as UTF-8 stays valid only if nobody re-encodes it."""
    evt = stripe_events.event("payment_intent.succeeded", {"id": "pi_1", "description": "Hudateljén Östersund"})
    body, headers = stripe_events.delivery(evt, SECRET)
    assert "Östersund".encode() in body
    assert payments.verify_event(body, headers["Stripe-Signature"]).object["description"] == "Hudateljén Östersund"
    reencoded = json.dumps(json.loads(body)).encode()  # \u00d6 escapes: other bytes
    with pytest.raises(payments.BadSignature):
        payments.verify_event(reencoded, headers["Stripe-Signature"])


def test_a_signed_body_that_is_not_an_event_is_a_value_error() -> None:
    body = b'["not", "an", "event"]'
    with pytest.raises(ValueError):
        payments.verify_event(body, stripe_events.sign(body, SECRET))


def test_money_is_whole_kronor_and_ore() -> None:
    assert payments.to_ore(500) == 50000
    assert payments.to_sek(50000) == 500
    assert ledger.format_sek(50000) == "500.00"
    assert ledger.format_sek(-30050) == "-300.50"
    assert ledger.format_sek(5) == "0.05"


@pytest.mark.parametrize(("paid_on", "kept_through"), [
    (dt.date(2026, 12, 30), dt.date(2033, 12, 31)),
    (dt.date(2027, 1, 2), dt.date(2034, 12, 31)),
])
def test_bookkeeping_records_are_kept_to_the_end_of_the_seventh_year(paid_on: dt.date, kept_through: dt.date) -> None:
    expiry = retention.bookkeeping_expiry(paid_on)
    # still kept at the last second of the seventh year, gone at the first of the next (Stockholm)
    last_moment = dt.datetime.combine(kept_through, dt.time(23, 59, 59), STOCKHOLM)
    assert last_moment < expiry
    assert expiry == dt.datetime.combine(kept_through + dt.timedelta(days=1), dt.time(0), STOCKHOLM)


def test_the_books_date_is_the_stockholm_day() -> None:
    # 23:30 UTC on 30 Dec is already 31 Dec in Stockholm
    assert ledger.stockholm_day(dt.datetime(2026, 12, 30, 23, 30, tzinfo=UTC)) == dt.date(2026, 12, 31)
    assert ledger.stockholm_day(dt.datetime(2027, 1, 1, 22, 59, tzinfo=UTC)) == dt.date(2027, 1, 1)


def test_payment_start_answers_what_the_api_promises() -> None:
    start = payments.PaymentStart("pi_1", "pi_1_secret_x", "pk_test", 500, "https://js.stripe.com/v3/")
    public = start.public()
    assert {"client_secret", "publishable_key", "amount_sek"} <= set(public)
    assert "pi_1" not in json.dumps({k: v for k, v in public.items() if k != "client_secret"})


def test_vat_is_the_part_of_a_price_that_includes_it_rounded_to_ore() -> None:
    from chalicelib.payments.receipts import vat_included

    assert vat_included(30000, 25) == 6000           # 300 kr: 60 kr
    assert vat_included(29900, 25) == 5980
    assert vat_included(100, 25) == 20
    assert vat_included(30000, 6) == 1698            # 16.981...
    assert vat_included(10050, 12) == 1077           # 10.767... rounds up
    assert vat_included(30000, 0) == 0
    assert vat_included(-30000, 25) == -6000         # a credit receipt's VAT is negative
    assert vat_included(-30000, 6) == -1698
    assert vat_included(1, 25) == 0 and vat_included(3, 25) == 1  # 0.2 and 0.6 öre


def test_vat_rates_and_the_organisation_number_are_checked_when_the_clinic_file_is_read() -> None:
    from chalicelib.core import clinic

    base = {"clinic": {"name": "X", "organisation": "Y", "emails": ["a@b.se"], "phone": "1"},
            "staff": [{"id": "a", "name": "A"}],
            "services": [{"id": "s", "name": "S", "duration_minutes": 30, "price_sek": 100, "staff": ["a"]}]}
    assert clinic.parse(base).services[0].vat_percent == 25  # the default
    for rate in (0, 6, 12, 25):
        assert clinic.parse({**base, "services": [{**base["services"][0], "vat_percent": rate}]}).services[0].vat_percent == rate
    for bad in (20, "25", True, -6, 25.0 + 0.5):
        with pytest.raises(clinic.ClinicFileError, match=r"services\[0\]\.vat_percent"):
            clinic.parse({**base, "services": [{**base["services"][0], "vat_percent": bad}]})
    assert clinic.parse(base).organisation_number == ""
    for written in ("556123-4567", "5561234567", "16556123-4567", " 556123 4567 "):
        parsed = clinic.parse({**base, "clinic": {**base["clinic"], "organisation_number": written}})
        assert parsed.organisation_number == "556123-4567"
    for bad in ("556123-4568", "55612-34567x", "abc"):
        with pytest.raises(clinic.ClinicFileError, match="clinic.organisation_number"):
            clinic.parse({**base, "clinic": {**base["clinic"], "organisation_number": bad}})
