"""Payments against the real local servers (DynamoDB Local + localstripe):
intents, capped refunds, the ledger and the webhook's signature and replay
rules. The booking flow end to end is in test_payments_e2e.py."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from chalicelib.core.clock import STOCKHOLM
from chalicelib.payments import gateway as payments
from chalicelib.payments import ledger, refunds, webhooks
from chalicelib.store.models import Booking, Item, LedgerEntry, RefundClaim, WebhookEvent
from support import clock as run_clock
from support import stripe_events
from support.payments import a_booking, charge_of, paid_booking, pay, stripe_client

WEBHOOK_SECRET = "whsec_local"  # servers.LOCAL_WEBHOOK_SECRET, what stack_env sets












# --- intents -------------------------------------------------------------------------------


def test_a_prepayment_intent_is_in_ore_sek_with_the_booking_ids(table: None, stripe_url: str) -> None:
    booking = a_booking(prepayment_sek=300)
    start = payments.start_payment(booking)
    assert start is not None
    assert start.amount_sek == 300 and start.publishable_key == "pk_test_local"
    assert start.stripe_js == f"{stripe_url}/js.stripe.com/v3/"
    intent = stripe_client(stripe_url).v1.payment_intents.retrieve(start.payment_intent_id)
    assert (intent.amount, intent.currency) == (30000, "sek")
    # the treatment too, so that a payment whose booking is gone still gets the right receipt
    assert intent.metadata.to_dict() == {"booking_id": booking.booking_id, "customer_id": booking.customer_id,
                                         "service_id": booking.service_id}
    assert start.client_secret == intent.client_secret


def test_no_prepayment_no_intent(table: None, stripe_url: str) -> None:
    assert payments.start_payment(a_booking(prepayment_sek=0)) is None


# --- refunds -------------------------------------------------------------------------------


def test_cancel_in_time_refunds_once_and_is_ledgered(table: None, stripe_url: str) -> None:
    booking = paid_booking(stripe_url, prepayment_sek=500)
    now = run_clock.now()
    result = refunds.refund_on_cancel(booking, now)
    assert result is not None and result.amount_sek == 500 and result.status == "succeeded"
    again = refunds.refund_on_cancel(booking, now)
    assert again is not None and again.status == "already_refunded" and again.refund_id is None
    assert charge_of(stripe_url, booking.payment_intent_id).amount_refunded == 50000
    rows = ledger.for_booking(booking.booking_id, now)
    assert [(r.entry_type, r.amount_ore) for r in rows] == [("refund", -50000)]
    assert rows[0].stripe_object_id == result.refund_id
    stored = Booking.get(*Booking.key(booking.customer_id, booking.booking_id))
    assert stored.refunded_sek == 500 and stored.status == "confirmed"  # the status is booking's to change


def test_two_cancels_at_once_refund_only_what_was_paid(table: None, stripe_url: str) -> None:
    booking = paid_booking(stripe_url, prepayment_sek=800)
    now = run_clock.now()
    results: list[Any] = []
    barrier = threading.Barrier(6)

    def cancel() -> None:
        copy = Booking.get(*Booking.key(booking.customer_id, booking.booking_id))
        barrier.wait()
        results.append(refunds.refund_on_cancel(copy, now))

    threads = [threading.Thread(target=cancel) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refunded = [r for r in results if r is not None and r.refund_id]
    assert len(refunded) == 1, results
    assert charge_of(stripe_url, booking.payment_intent_id).amount_refunded == 80000
    assert ledger.booking_balance(booking.booking_id, now) == -80000  # only the refund row here: no webhook ran
    claim = RefundClaim.get(*RefundClaim.key(booking.booking_id, booking.payment_intent_id))
    assert claim.claimed_ore == claim.paid_ore == 80000


def test_cancel_too_late_refunds_nothing(table: None, stripe_url: str) -> None:
    start = run_clock.now() + dt.timedelta(hours=5)
    booking = paid_booking(stripe_url, start=start)
    assert refunds.refund_on_cancel(booking, run_clock.now()) is None
    assert charge_of(stripe_url, booking.payment_intent_id).amount_refunded == 0


def test_an_unpaid_booking_refunds_nothing(table: None, stripe_url: str) -> None:
    booking = a_booking()
    start = payments.start_payment(booking)
    assert start is not None
    booking.update(actions=[Booking.payment_intent_id.set(start.payment_intent_id)])
    assert refunds.refund_on_cancel(booking, run_clock.now()) is None


def test_a_refund_made_outside_the_app_counts_against_the_cap(table: None, stripe_url: str) -> None:
    booking = paid_booking(stripe_url, prepayment_sek=500)
    stripe_client(stripe_url).v1.refunds.create(params={"payment_intent": booking.payment_intent_id, "amount": 20000})
    result = refunds.refund_on_cancel(booking, run_clock.now())
    assert result is not None and result.amount_sek == 300
    assert charge_of(stripe_url, booking.payment_intent_id).amount_refunded == 50000


def test_a_refund_stripe_cannot_make_gives_its_claim_back(
    table: None, stripe_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    booking = paid_booking(stripe_url, prepayment_sek=300)
    paid = payments.retrieve(booking.payment_intent_id)
    assert paid is not None
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")  # Stripe unreachable when the refund is asked
    with pytest.raises(payments.PaymentError):
        refunds.refund_unbooked(paid, booking.booking_id, run_clock.now())
    assert RefundClaim.get(*RefundClaim.key(booking.booking_id, booking.payment_intent_id)).claimed_ore == 0
    # No refund is booked (the payment row may be there: when chalice local runs,
    # localstripe's real webhook delivery ledgers the payment).
    assert [row for row in ledger.for_booking(booking.booking_id, run_clock.now()) if row.entry_type == "refund"] == []
    monkeypatch.undo()
    later = refunds.refund_on_cancel(booking, run_clock.now())
    assert later is not None and later.status == "succeeded" and later.amount_sek == 300
    assert charge_of(stripe_url, booking.payment_intent_id).amount_refunded == 30000


# --- the ledger ----------------------------------------------------------------------------


@pytest.mark.parametrize(("paid_at", "year", "kept_until"), [
    (dt.datetime(2026, 12, 30, 14, 0, tzinfo=STOCKHOLM), 2026, dt.datetime(2034, 1, 1, tzinfo=STOCKHOLM)),
    (dt.datetime(2027, 1, 2, 9, 30, tzinfo=STOCKHOLM), 2027, dt.datetime(2035, 1, 1, tzinfo=STOCKHOLM)),
])
def test_ledger_rows_expire_after_the_seventh_year_and_hold_no_personal_data(
    table: None, paid_at: dt.datetime, year: int, kept_until: dt.datetime,
) -> None:
    row = ledger.record_payment("b1", "pi_1", "ch_1", 50000, paid_at)
    again = ledger.record_payment("b1", "pi_1", "ch_1", 50000, paid_at + dt.timedelta(minutes=5))
    assert row == again  # one row per charge
    assert row.booked_on == paid_at.date() and row.expires_at == kept_until
    assert [r.stripe_object_id for r in ledger.for_year(year, paid_at)] == ["ch_1"]
    assert list(ledger.for_year(year + 1, paid_at)) == []
    # still there on the last day of the seventh year, gone from reads after it
    assert ledger.for_booking("b1", kept_until - dt.timedelta(seconds=1))
    assert ledger.for_booking("b1", kept_until) == []
    stored = LedgerEntry.get("LEDGER#b1", "payment#ch_1")
    assert stored.gsi1pk == f"LEDGER_YEAR#{year}" and stored.gsi2pk == "EXPIRY"
    attributes = set(stored.attribute_values)
    assert not attributes & {"name", "email", "phone", "customer_id", "note"}


# --- the webhook, in process -----------------------------------------------------------------


def post_event(client: Any, evt: dict[str, Any], secret: str = WEBHOOK_SECRET) -> Any:
    body, headers = stripe_events.delivery(evt, secret)
    return client.http.post("/webhooks/stripe", body=body, headers=headers)


def stored_events() -> list[WebhookEvent]:
    return [i for i in Item.scan() if isinstance(i, WebhookEvent)]


def test_a_forged_signature_is_400_and_changes_nothing(client: Any, stripe_url: str) -> None:
    booking = a_booking()
    start = payments.start_payment(booking)
    assert start is not None
    booking.update(actions=[Booking.payment_intent_id.set(start.payment_intent_id)])
    pay(stripe_url, start.payment_intent_id)
    evt = stripe_events.event("payment_intent.succeeded", {"id": start.payment_intent_id, "object": "payment_intent"})
    answer = post_event(client, evt, secret="whsec_forged")
    assert answer.status_code == 400
    error = json.loads(answer.body)["error"]
    assert error["code"] == "invalid_signature" and "stripe-signature" in error["fields"]
    unsigned = client.http.post("/webhooks/stripe", body=json.dumps(evt).encode(),
                                headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 400
    assert stored_events() == []
    assert Booking.get(*Booking.key(booking.customer_id, booking.booking_id)).status == "awaiting_payment"
    assert ledger.for_booking(booking.booking_id, run_clock.now()) == []


def test_a_signed_body_nested_100000_deep_is_400_and_changes_nothing(client: Any) -> None:
    """Issue 28: a correctly signed webhook of 100,000-deep JSON gave a 500 (json.loads past the stack)."""
    deep = b'{"id": "evt_deep", "type": "x", "data": {"object": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    answer = client.http.post("/webhooks/stripe", body=deep, headers={
        "Content-Type": "application/json", "Stripe-Signature": stripe_events.sign(deep, WEBHOOK_SECRET)})
    assert answer.status_code == 400, answer.body
    assert json.loads(answer.body)["error"]["fields"] == {"body": "Ogiltig JSON."}
    assert stored_events() == []
    # Brackets inside strings are text, not depth: an ordinary event with them still goes through.
    evt = stripe_events.event("customer.created", {"id": "cus_x", "metadata": {"note": "[" * 100 + "{" * 100}})
    assert post_event(client, evt).status_code == 200


def test_events_for_unknown_intents_and_other_types_are_200(client: Any, stripe_url: str) -> None:
    foreign = stripe_client(stripe_url).v1.payment_intents.create(params={"amount": 1000, "currency": "sek"})
    pay(stripe_url, foreign.id)
    cases = [
        ("payment_intent.succeeded", {"id": foreign.id}, "not_ours"),
        ("payment_intent.succeeded", {"id": "pi_doesnotexistanywhere"}, "unknown_intent"),
        ("payment_intent.succeeded", {"id": 42}, "not_ours"),
        ("charge.refunded", {"id": "ch_x"}, "ignored"),
        ("customer.created", {"id": "cus_x"}, "ignored"),
    ]
    for event_type, obj, action in cases:
        answer = post_event(client, stripe_events.event(event_type, obj))
        assert answer.status_code == 200, answer.body
        assert json.loads(answer.body)["action"] == action
    assert all(e.status == "completed" for e in stored_events())


def test_a_replayed_event_is_recorded_once(client: Any, stripe_url: str) -> None:
    evt = stripe_events.event("payment_intent.payment_failed", {"id": "pi_whatever"})
    actions = [json.loads(post_event(client, evt).body)["action"] for _ in range(3)]
    assert actions == ["payment_failed", "duplicate", "duplicate"]
    [record] = stored_events()
    assert record.pk == f"STRIPE_EVENT#{evt['id']}" and record.status == "completed"
    assert record.expires_at is not None and record.gsi2pk == "EXPIRY"


def test_a_lapsed_in_progress_record_is_taken_over(table: None, stripe_url: str) -> None:
    """A handler that died mid-way leaves an in-progress record; its lease lets a retry in."""
    evt = stripe_events.event("customer.created", {"id": "cus_1"})
    body, headers = stripe_events.delivery(evt, WEBHOOK_SECRET)
    now = run_clock.now()
    WebhookEvent(*WebhookEvent.key(evt["id"]), event_type=evt["type"], received_at=now, status="in_progress",
                 lease_until=now + webhooks.LEASE).save()
    from chalicelib.core.errors import Conflict

    with pytest.raises(Conflict):
        webhooks.handle(body, headers["Stripe-Signature"], now)
    later = now + webhooks.LEASE + dt.timedelta(seconds=1)
    assert webhooks.handle(body, headers["Stripe-Signature"], later).action == "ignored"
    assert webhooks.handle(body, headers["Stripe-Signature"], later).action == "duplicate"
