"""Payments end to end, with the booking capability: POST /bookings creates the
PaymentIntent, Stripe's webhook confirms the booking, cancelling refunds.

In-process tests (Chalice's test client, the clock pinned with ALLAVIE_NOW) are
Stripe themselves: they sign each delivery with the endpoint's secret the way
Stripe does. While they run, localstripe's own deliveries are pointed away
from ``chalice local``, so that no second, unpinned process handles the same
payment. The last tests use the real thing: localstripe delivers its signed
events to ``chalice local`` over HTTP.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
import stripe
from allavie.local import servers
from chalicelib.core.clock import STOCKHOLM
from chalicelib.payments import ledger
from chalicelib.store.models import Booking, Item, LedgerEntry, RefundClaim, WebhookEvent
from support import clock as run_clock
from support import stripe_events
from support.booking_data import answer, at, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"
DAY = "2027-03-30"
SERVICE = "kemisk-peeling"  # 300 kr prepayment
CONFIRMATION = "Bokningsbekräftelse"


def stripe_client(stripe_url: str) -> stripe.StripeClient:
    return stripe.StripeClient(servers.LOCAL_STRIPE_SECRET, base_addresses={"api": stripe_url})


def pay(stripe_url: str, intent_id: str, card: str = "pm_card_visa") -> None:
    """The customer's part (Stripe.js in the browser): a card on the intent, then confirm."""
    client = stripe_client(stripe_url)
    client.v1.payment_intents.update(intent_id, params={"payment_method": card})
    client.v1.payment_intents.confirm(intent_id)


def intent_event(stripe_url: str, event_type: str, intent_id: str) -> dict[str, Any]:
    intent = stripe_client(stripe_url).v1.payment_intents.retrieve(intent_id).to_dict()
    return stripe_events.event(event_type, json.loads(json.dumps(intent, default=str)))


def deliver(api: Any, evt: dict[str, Any], secret: str = servers.LOCAL_WEBHOOK_SECRET) -> Any:
    payload, headers = stripe_events.delivery(evt, secret)
    return api.http.post("/webhooks/stripe", body=payload, headers=headers)


def charge(stripe_url: str, intent_id: str) -> Any:
    return stripe_client(stripe_url).v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}).latest_charge


def stored_booking(booking_id: str) -> Booking:
    [found] = [i for i in Item.scan() if isinstance(i, Booking) and i.booking_id == booking_id]
    return found


def confirmations(outbox: Any, address: str) -> list[Any]:
    return [m for m in outbox.emails_to(address) if str(m["Subject"]).startswith(CONFIRMATION)]


def first_slot(api: Any, service: str, first: dt.date, days: int = 10, staff: str | None = None) -> tuple[str, str]:
    query = f"/availability?service={service}&from={first}&to={first + dt.timedelta(days=days)}"
    response = get(api, query + (f"&staff={staff}" if staff else ""))
    assert response.status_code == 200, response.body
    slot = answer(response)["slots"][0]
    return slot["start"], slot["staff"][0]


@pytest.fixture()
def api(client: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client


def book_prepaid(api: Any, email: str = "astrid@example.se", **overrides: Any) -> dict[str, Any]:
    overrides = {"service": SERVICE, "start": at(DAY, "10:00"), "staff": "sara", **overrides}
    response = post(api, "/bookings", body(email=email, **overrides))
    assert response.status_code == 201, response.body
    created = answer(response)
    assert created["booking"]["status"] == "awaiting_payment"
    return created


# --- in process: being Stripe ------------------------------------------------------------------------


def test_a_paid_booking_is_confirmed_once_however_often_the_event_comes(api: Any, stripe_url: str, outbox: Any) -> None:
    created = book_prepaid(api)
    payment = created["payment"]
    assert payment["amount_sek"] == 300 and payment["publishable_key"] == servers.LOCAL_STRIPE_PUBLISHABLE
    booking = stored_booking(created["booking"]["id"])
    assert payment["client_secret"].startswith(booking.payment_intent_id)
    assert confirmations(outbox, "astrid@example.se") == []  # nothing before the money

    pay(stripe_url, booking.payment_intent_id)
    evt = intent_event(stripe_url, "payment_intent.succeeded", booking.payment_intent_id)
    answers = [deliver(api, evt) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [answer(a)["action"] for a in answers] == ["confirmed", "duplicate", "duplicate"]
    # the same payment announced by another event id is still one confirmation
    other = intent_event(stripe_url, "payment_intent.succeeded", booking.payment_intent_id)
    assert answer(deliver(api, other))["action"] == "already_confirmed"

    confirmed = stored_booking(booking.booking_id)
    assert confirmed.status == "confirmed" and confirmed.paid_sek == 300 and confirmed.hold_until is None
    assert len(confirmations(outbox, "astrid@example.se")) == 1
    rows = ledger.for_booking(booking.booking_id, dt.datetime.fromisoformat(NOW))
    assert [(r.entry_type, r.amount_ore, r.currency) for r in rows] == [("payment", 30000, "sek")]
    assert len([i for i in Item.scan() if isinstance(i, WebhookEvent)]) == 2


def test_a_forged_webhook_is_400_and_changes_nothing(api: Any, stripe_url: str, outbox: Any) -> None:
    created = book_prepaid(api)
    booking = stored_booking(created["booking"]["id"])
    pay(stripe_url, booking.payment_intent_id)
    evt = intent_event(stripe_url, "payment_intent.succeeded", booking.payment_intent_id)
    before = sorted((i.pk, i.sk, json.dumps(i.serialize(), sort_keys=True, default=str)) for i in Item.scan())

    forged = deliver(api, evt, secret="whsec_guessed")
    assert forged.status_code == 400 and answer(forged)["error"]["code"] == "invalid_signature"
    payload, headers = stripe_events.delivery(evt, servers.LOCAL_WEBHOOK_SECRET)
    tampered = api.http.post("/webhooks/stripe", body=payload.replace(b'"sek"', b'"eur"'), headers=headers)
    assert tampered.status_code == 400
    after = sorted((i.pk, i.sk, json.dumps(i.serialize(), sort_keys=True, default=str)) for i in Item.scan())
    assert after == before
    assert confirmations(outbox, "astrid@example.se") == []

    # the event id was not used up by the forgeries: the real delivery still confirms
    assert answer(deliver(api, evt))["action"] == "confirmed"


def test_a_declined_card_leaves_the_booking_unpaid_and_the_slot_free_after_the_hold(
    api: Any, stripe_url: str, outbox: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = book_prepaid(api)
    booking = stored_booking(created["booking"]["id"])
    with pytest.raises(stripe.CardError):
        pay(stripe_url, booking.payment_intent_id, card="pm_card_chargeCustomerFail")
    failed = deliver(api, intent_event(stripe_url, "payment_intent.payment_failed", booking.payment_intent_id))
    assert failed.status_code == 200 and answer(failed)["action"] == "payment_failed"

    unpaid = stored_booking(booking.booking_id)
    assert unpaid.status == "awaiting_payment" and unpaid.paid_sek == 0
    assert ledger.for_booking(booking.booking_id, dt.datetime.fromisoformat(NOW)) == []
    assert confirmations(outbox, "astrid@example.se") == []
    free = answer(get(api, f"/availability?service={SERVICE}&from={DAY}&to={DAY}&staff=sara"))["slots"]
    assert at(DAY, "10:00") not in [s["start"] for s in free]  # held for 15 minutes

    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:15:01+01:00")  # the hold lapses by itself
    free = answer(get(api, f"/availability?service={SERVICE}&from={DAY}&to={DAY}&staff=sara"))["slots"]
    assert at(DAY, "10:00") in [s["start"] for s in free]
    assert stored_booking(booking.booking_id).status == "awaiting_payment"  # no sweeper was needed


def test_a_payment_after_the_hold_went_to_somebody_else_is_refunded(
    api: Any, stripe_url: str, outbox: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    late = book_prepaid(api)
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:20:00+01:00")
    winner = book_prepaid(api, email="bo@example.se")  # the same time, free again
    late_booking = stored_booking(late["booking"]["id"])

    pay(stripe_url, late_booking.payment_intent_id)  # the first customer pays after all
    evt = intent_event(stripe_url, "payment_intent.succeeded", late_booking.payment_intent_id)
    assert answer(deliver(api, evt))["action"] == "refunded"
    assert answer(deliver(api, intent_event(stripe_url, "payment_intent.succeeded",
                                            late_booking.payment_intent_id)))["action"] == "refunded"
    assert charge(stripe_url, late_booking.payment_intent_id).amount_refunded == 30000  # once, all of it
    assert stored_booking(late_booking.booking_id).status == "awaiting_payment"
    assert stored_booking(winner["booking"]["id"]).status == "awaiting_payment"  # untouched, still its hold
    assert confirmations(outbox, "astrid@example.se") == []
    now = dt.datetime.fromisoformat("2027-03-20T12:20:00+01:00")
    rows = ledger.for_booking(late_booking.booking_id, now)
    assert sorted(r.amount_ore for r in rows) == [-30000, 30000] and ledger.balance(rows) == 0


@pytest.mark.parametrize(("paid_on", "kept_until"), [
    ("2026-12-30", dt.datetime(2034, 1, 1, tzinfo=STOCKHOLM)),   # kept to the end of 2033
    ("2027-01-02", dt.datetime(2035, 1, 1, tzinfo=STOCKHOLM)),   # kept to the end of 2034
])
def test_the_ledger_keeps_payments_and_refunds_seven_years_without_personal_data(
    api: Any, stripe_url: str, outbox: Any, monkeypatch: pytest.MonkeyPatch, paid_on: str, kept_until: dt.datetime,
) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", f"{paid_on}T10:00:00+01:00")
    start, staff = first_slot(api, SERVICE, dt.date.fromisoformat(paid_on) + dt.timedelta(days=3))
    person = {"name": "Greta Garbo-Lind", "email": "greta.lind@example.se", "phone": "070-987 65 43"}
    created = book_prepaid(api, email=person["email"], name=person["name"], phone=person["phone"], start=start, staff=staff)
    booking = stored_booking(created["booking"]["id"])
    pay(stripe_url, booking.payment_intent_id)
    assert answer(deliver(api, intent_event(stripe_url, "payment_intent.succeeded", booking.payment_intent_id)))[
        "action"] == "confirmed"

    link = fragment(next(u for u in outbox.links(confirmations(outbox, person["email"])[0]) if "/hantera/" in u))
    cancelled = post(api, f"/bookings/{link['b']}/cancel", None, token=link["t"])
    assert cancelled.status_code == 200, cancelled.body
    assert answer(cancelled)["refund"] == {"amount_sek": 300, "status": "succeeded"}

    entries = [i for i in Item.scan() if isinstance(i, LedgerEntry)]
    assert sorted(e.entry_type for e in entries) == ["payment", "refund"]
    for entry in entries:
        assert entry.booked_on == paid_on
        assert entry.expires_at == kept_until
        assert entry.gsi1pk == f"LEDGER_YEAR#{paid_on[:4]}"
        stored = json.dumps(entry.serialize(), ensure_ascii=False, default=str).lower()
        for value in (*person.values(), "greta", "garbo", "+46709876543", "987 65 43", booking.customer_id):
            assert value.lower() not in stored
    year_rows = list(ledger.for_year(int(paid_on[:4]), run_clock.now()))
    assert ledger.balance(year_rows) == 0 and len(year_rows) == 2
    for claim in (i for i in Item.scan() if isinstance(i, RefundClaim)):
        assert claim.expires_at == kept_until and booking.customer_id not in json.dumps(claim.serialize(), default=str)


def status_of(api: Any, client_secret: Any) -> Any:
    return post(api, "/payments/status", {"client_secret": client_secret})


def test_the_page_can_ask_whether_its_payment_confirmed_the_booking(
    api: Any, stripe_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = book_prepaid(api)
    secret = created["payment"]["client_secret"]
    waiting = status_of(api, secret)
    assert waiting.status_code == 200
    assert answer(waiting) == {"booking": {"id": created["booking"]["id"], "status": "awaiting_payment"},
                               "payment": {"status": "requires_payment_method"}}
    intent_id = secret.split("_secret_")[0]
    pay(stripe_url, intent_id)
    assert answer(status_of(api, secret))["booking"]["status"] == "awaiting_payment"  # paid, webhook not yet here
    deliver(api, intent_event(stripe_url, "payment_intent.succeeded", intent_id))
    assert answer(status_of(api, secret)) == {"booking": {"id": created["booking"]["id"], "status": "confirmed"},
                                              "payment": {"status": "succeeded"}}

    # only the exact secret opens it; bad input names the field
    assert status_of(api, secret[:-1] + ("A" if secret[-1] != "A" else "B")).status_code == 404
    assert status_of(api, "pi_unknown123_secret_abc").status_code == 404
    for bad, problem in ((None, "required"), (42, "type"), ("<script>", "invalid"), ("pi_1_secret_" + "a" * 300, "invalid")):
        refused = status_of(api, bad)
        assert refused.status_code == 400 and set(answer(refused)["error"]["fields"]) == {"client_secret"}, problem
    extra = post(api, "/payments/status", {"client_secret": secret, "booking": "x"})
    assert extra.status_code == 400 and "booking" in answer(extra)["error"]["fields"]

    unpaid = book_prepaid(api, email="bo@example.se", start=at(DAY, "13:00"))
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:15:01+01:00")
    assert answer(status_of(api, unpaid["payment"]["client_secret"]))["booking"]["status"] == "lapsed"


# --- over HTTP: localstripe's own deliveries to chalice local ------------------------------------------


def http(method: str, url: str, data: Any = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=raw if raw is not None or method == "GET" else b"", headers=headers,
                                     method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_for(predicate: Any, timeout: float = 10, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_localstripe_confirms_through_chalice_local_and_a_double_cancel_refunds_once(
    api_url: str, stripe_url: str, table: None, outbox: Any, stripe_webhooks: str,
) -> None:
    today = run_clock.today()
    status, found = http("GET", f"{api_url}/availability?service={SERVICE}&from={today + dt.timedelta(days=3)}"
                                f"&to={today + dt.timedelta(days=12)}")
    assert status == 200, found
    slot = found["slots"][0]
    email = "karin@example.se"
    status, created = http("POST", f"{api_url}/bookings", body(email=email, service=SERVICE, start=slot["start"],
                                                                staff=slot["staff"][0]))
    assert status == 201, created
    assert created["booking"]["status"] == "awaiting_payment" and created["payment"]["amount_sek"] == 300
    booking_id = created["booking"]["id"]
    intent_id = created["payment"]["client_secret"].split("_secret_")[0]

    pay(stripe_url, intent_id)  # localstripe now sends payment_intent.succeeded, signed, to chalice local
    wait_for(lambda: stored_booking(booking_id).status == "confirmed", what="the webhook to confirm the booking")
    wait_for(lambda: len(confirmations(outbox, email)) == 1, what="the confirmation e-mail")
    assert stored_booking(booking_id).paid_sek == 300

    link = fragment(next(u for u in outbox.links(confirmations(outbox, email)[0]) if "/hantera/" in u))
    url = f"{api_url}/bookings/{link['b']}/cancel"
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: http("POST", url, token=link["t"]), range(2)))
    assert [s for s, _ in results] == [200, 200], results
    refunds = [r["refund"] for _, r in results if r["refund"] is not None]
    made = [r for r in refunds if r["status"] != "already_refunded"]
    assert made == [{"amount_sek": 300, "status": "succeeded"}], results  # one refund; the other cancel saw it done
    assert all(r["booking"]["status"] == "cancelled" for _, r in results)
    status, third = http("POST", url, token=link["t"])
    assert status in (200, 409)

    assert charge(stripe_url, intent_id).amount_refunded == 30000  # never more than was paid
    rows = ledger.for_booking(booking_id, run_clock.now())
    assert sorted(r.amount_ore for r in rows) == [-30000, 30000]
    assert len(confirmations(outbox, email)) == 1
