"""Prepayments with Stripe: the only module that imports ``stripe``.

- ``start_payment(booking)`` creates the booking's PaymentIntent: öre, SEK,
  metadata ``booking_id`` + ``customer_id`` (opaque ids, no personal data),
  one idempotency key per booking. In AWS the payment methods (card; Klarna
  and Swish where enabled) come from the Stripe account's settings; locally
  localstripe plays Stripe (``STRIPE_API_BASE``).
- ``refund_on_cancel(booking, now)`` gives the prepayment back when a booking
  is cancelled in time, at most once and never more than was paid.
- ``refund_unbooked(...)`` gives a payment back that found no booking to pay
  (the hold had lapsed and somebody else took the slot).
- ``verify_event(raw, signature)`` checks a webhook's signature (webhooks.py
  does the rest); ``status_for(client_secret, now)`` tells the booking page
  whether the webhook has confirmed its booking yet.

Why a claim before Stripe is asked: Stripe deduplicates a retried request by
its idempotency key, but two *different* cancel requests at once would each
refund, and localstripe ignores idempotency keys and refunds beyond the
charge. So each payment has a ``RefundClaim`` item; a refund first raises
``claimed_ore`` with a conditional update (``claimed_ore = :seen``), and only
the writer whose update holds calls Stripe. The total claimed never exceeds
the amount paid, so the total refunded cannot either.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import stripe
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from . import clinic as clinic_module
from . import ledger, retention, secrets
from . import settings as settings_module
from .models import Booking, RefundClaim

log = logging.getLogger(__name__)

CURRENCY = "sek"
ORE_PER_SEK = 100
STRIPE_JS = "https://js.stripe.com/v3/"


@dataclass(frozen=True)
class PaymentStart:
    """What the page needs to take the payment with Stripe.js."""

    payment_intent_id: str
    client_secret: str
    publishable_key: str
    amount_sek: int
    stripe_js: str

    def public(self) -> dict[str, Any]:
        """The ``payment`` object of ``POST /bookings`` (API.md)."""
        return {
            "client_secret": self.client_secret,
            "publishable_key": self.publishable_key,
            "amount_sek": self.amount_sek,
            "stripe_js": self.stripe_js,
        }


@dataclass(frozen=True)
class RefundResult:
    """A refund asked of Stripe (or found already made)."""

    amount_sek: int
    status: str               # Stripe's refund status (succeeded | pending), already_refunded, or failed
    refund_id: str | None

    def public(self) -> dict[str, Any]:
        """The ``refund`` object of ``POST /bookings/{id}/cancel`` (API.md)."""
        return {"amount_sek": self.amount_sek, "status": self.status}


class PaymentError(RuntimeError):
    """Stripe did not do what was asked; nothing was claimed."""


# --- the client --------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str | None) -> stripe.StripeClient:
    if api_base:
        return stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=2)
    return stripe.StripeClient(secret_key, max_network_retries=2)


def client() -> stripe.StripeClient:
    """Stripe, or localstripe when ``STRIPE_API_BASE`` is set (read per call)."""
    return _client(secrets.get("STRIPE_SECRET_KEY"), settings_module.get().stripe_api_base)


def stripe_js_url() -> str:
    base = settings_module.get().stripe_api_base
    return f"{base.rstrip('/')}/js.stripe.com/v3/" if base else STRIPE_JS


def to_ore(amount_sek: int) -> int:
    return int(amount_sek) * ORE_PER_SEK


def to_sek(amount_ore: int) -> int:
    """Whole kronor (prepayments are whole kronor; öre are never lost: they round down only if odd)."""
    return int(amount_ore) // ORE_PER_SEK


# --- taking the payment ------------------------------------------------------------------


def start_payment(booking: Booking) -> PaymentStart | None:
    """Create the PaymentIntent of a booking that needs prepayment; None when it needs none."""
    amount_sek = int(booking.prepayment_sek or 0)
    if amount_sek <= 0:
        return None
    # No payment_method_types: on Stripe's current API versions that means automatic payment
    # methods, so card, Klarna and Swish follow what the clinic enables in its Stripe dashboard.
    # (localstripe rejects the explicit ``automatic_payment_methods`` parameter; we need not send it.)
    intent = client().v1.payment_intents.create(
        params={
            "amount": to_ore(amount_sek),
            "currency": CURRENCY,
            "metadata": {"booking_id": booking.booking_id, "customer_id": booking.customer_id},
        },
        # A retried POST (network, Lambda retry) gets the same intent back from Stripe.
        options={"idempotency_key": f"allavie-booking-{booking.booking_id}"},
    )
    return PaymentStart(
        payment_intent_id=str(intent.id),
        client_secret=str(intent.client_secret),
        publishable_key=secrets.get("STRIPE_PUBLISHABLE_KEY"),
        amount_sek=amount_sek,
        stripe_js=stripe_js_url(),
    )


@dataclass(frozen=True)
class Paid:
    """A PaymentIntent as Stripe has it now (retrieved, not taken from an event)."""

    payment_intent_id: str
    status: str
    amount_ore: int
    currency: str
    charge_id: str | None
    amount_refunded_ore: int
    booking_id: str | None
    customer_id: str | None

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded" and self.charge_id is not None


def retrieve(payment_intent_id: str) -> Paid | None:
    """The intent and its charge, fresh from Stripe (events may be stale or out of order).

    None when Stripe does not know the intent.
    """
    try:
        found = client().v1.payment_intents.retrieve(payment_intent_id, params={"expand": ["latest_charge"]})
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None
        raise
    intent = found.to_dict()
    latest = intent.get("latest_charge")
    if isinstance(latest, str):  # not expanded (should not happen): fetch it
        latest = client().v1.charges.retrieve(latest).to_dict()
    charge: dict[str, Any] = latest if isinstance(latest, dict) else {}
    metadata = intent.get("metadata") or {}
    succeeded = charge.get("status") == "succeeded"
    return Paid(
        payment_intent_id=str(intent["id"]),
        status=str(intent["status"]),
        amount_ore=int(charge.get("amount") or intent["amount"]),
        currency=str(intent["currency"]).lower(),
        charge_id=str(charge["id"]) if succeeded else None,
        amount_refunded_ore=int(charge.get("amount_refunded") or 0),
        booking_id=metadata.get("booking_id"),
        customer_id=metadata.get("customer_id"),
    )


def record_payment(paid: Paid, booking_id: str, now: dt.datetime) -> None:
    """The payment's ledger row (idempotent per charge)."""
    if paid.charge_id:
        ledger.record_payment(booking_id, paid.payment_intent_id, paid.charge_id, paid.amount_ore, now, paid.currency)


# --- giving money back ----------------------------------------------------------------------


def in_time_to_refund(booking: Booking, now: dt.datetime) -> bool:
    """Cancelled at least ``change_deadline_hours`` before the start (the clinic's rule)."""
    rules = clinic_module.current().rules
    return now <= booking.start - dt.timedelta(hours=rules.change_deadline_hours)


def refund_on_cancel(booking: Booking, now: dt.datetime) -> RefundResult | None:
    """Refund a cancelled booking's prepayment: once, capped, ledgered.

    None when nothing was paid or the cancellation is too late for a refund.
    A second call (a retried or simultaneous cancel) refunds nothing more and
    answers with what was refunded before.
    """
    if not booking.payment_intent_id or not in_time_to_refund(booking, now):
        return None
    paid = retrieve(booking.payment_intent_id)
    if paid is None or not paid.succeeded:
        return None
    try:
        result = _refund(paid, booking.booking_id, now, reason="cancelled_in_time")
    except PaymentError:
        # The cancellation stands (it is committed); the claim was given back, so
        # the operator can refund by hand or a later call can. Say so, do not 500.
        log.exception("refund for cancelled booking %s failed", booking.booking_id)
        return RefundResult(amount_sek=0, status="failed", refund_id=None)
    _note_on_booking(booking, to_sek(paid.amount_ore), now)
    return result


def refund_unbooked(paid: Paid, booking_id: str, now: dt.datetime) -> RefundResult | None:
    """Give back a payment that found no booking to pay (the hold was lost)."""
    if not paid.succeeded:
        return None
    return _refund(paid, booking_id, now, reason="hold_lost")


def _refund(paid: Paid, booking_id: str, now: dt.datetime, reason: str) -> RefundResult:
    assert paid.charge_id is not None
    claim = _claim_item(paid, booking_id, now)
    seen = int(claim.claimed_ore)
    already = max(seen, paid.amount_refunded_ore)  # also what was refunded outside the app
    remaining = paid.amount_ore - already
    if remaining <= 0:
        return RefundResult(amount_sek=to_sek(already), status="already_refunded", refund_id=None)
    try:
        claim.update(
            actions=[RefundClaim.claimed_ore.set(paid.amount_ore), RefundClaim.updated_at.set(now)],
            condition=RefundClaim.claimed_ore == seen,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        # Another cancel claimed it between our read and our write: it refunds, we do not.
        return RefundResult(amount_sek=to_sek(paid.amount_ore), status="already_refunded", refund_id=None)
    try:
        refund = client().v1.refunds.create(
            params={
                "payment_intent": paid.payment_intent_id,
                "amount": remaining,
                # localstripe rejects Stripe's ``reason`` parameter; the metadata says it.
                "metadata": {"booking_id": booking_id, "allavie_reason": reason},
            },
            # Same claim, same key: a retry after a lost answer gets the same refund from Stripe.
            options={"idempotency_key": f"allavie-refund-{paid.payment_intent_id}-{seen}"},
        )
    except stripe.StripeError as error:
        # Give the claim back so that a later cancel or retry can try again.
        try:
            claim.update(actions=[RefundClaim.claimed_ore.set(seen)], condition=RefundClaim.claimed_ore == paid.amount_ore)
        except UpdateError:
            log.exception("refund claim for %s could not be released", paid.payment_intent_id)
        raise PaymentError(f"Stripe refused the refund of {paid.payment_intent_id}: {error}") from error
    ledger.record_refund(booking_id, paid.payment_intent_id, str(refund.id), remaining, now, paid.currency)
    return RefundResult(amount_sek=to_sek(remaining), status=str(refund.status or "pending"), refund_id=str(refund.id))


def _claim_item(paid: Paid, booking_id: str, now: dt.datetime) -> RefundClaim:
    """The payment's claim item, created at zero the first time (a race creates it once)."""
    pk, sk = RefundClaim.key(booking_id, paid.payment_intent_id)
    day = ledger.stockholm_day(now)
    claim = RefundClaim(
        pk, sk, booking_id=booking_id, payment_intent_id=paid.payment_intent_id,
        paid_ore=paid.amount_ore, claimed_ore=0, updated_at=now,
        expires_at=retention.bookkeeping_expiry(day),
    )
    claim.index_expiry()
    try:
        claim.save(condition=RefundClaim.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        claim = RefundClaim.get(pk, sk, consistent_read=True)
    return claim


def _note_on_booking(booking: Booking, refunded_sek: int, now: dt.datetime) -> None:
    """Show the refunded total on the booking (one attribute; the claim item is what caps).

    An update of two attributes, never a whole-item put, so that it cannot
    undo what the booking's own cancel transaction wrote.
    """
    try:
        booking.update(
            actions=[Booking.refunded_sek.set(refunded_sek), Booking.updated_at.set(now)],
            condition=Booking.pk.exists(),
        )
    except UpdateError:
        log.warning("booking %s is gone; its refund is in the ledger", booking.booking_id)


# --- webhooks: checking that Stripe sent it ------------------------------------------------------


@dataclass(frozen=True)
class StripeEvent:
    """A webhook event whose signature held (plain data, so that webhooks.py needs no stripe)."""

    id: str
    type: str
    created: int
    object: dict[str, Any]


class BadSignature(ValueError):
    """The Stripe-Signature header does not match the body, or is missing or too old."""


def verify_event(raw_body: bytes, signature_header: str | None) -> StripeEvent:
    """Check the signature on the raw bytes exactly as received, then parse them.

    Raises BadSignature for a missing, forged or stale (over 5 minutes) signature,
    and ValueError for a signed body that is not an event.
    """
    if not signature_header:
        raise BadSignature("no Stripe-Signature header")
    try:
        stripe.WebhookSignature.verify_header(
            raw_body.decode("utf-8"), signature_header, secrets.get("STRIPE_WEBHOOK_SECRET"),
            stripe.Webhook.DEFAULT_TOLERANCE,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
        raise BadSignature(str(error)) from None
    data = json.loads(raw_body)
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise ValueError("not a Stripe event")
    event_id, event_type = data.get("id"), data.get("type")
    obj = data["data"].get("object")
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not isinstance(obj, dict):
        raise ValueError("not a Stripe event")
    return StripeEvent(id=event_id, type=event_type, created=int(data.get("created") or 0), object=obj)


# --- the booking page's question: has my payment confirmed the booking? ---------------------------------


WEBHOOK_GRACE = dt.timedelta(minutes=2)
CLIENT_SECRET = re.compile(r"^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$")


@dataclass(frozen=True)
class PaymentStatus:
    booking_id: str
    booking_status: str   # awaiting_payment until the webhook has confirmed it
    payment_status: str   # Stripe's: requires_payment_method | processing | succeeded | ...

    def public(self) -> dict[str, Any]:
        return {"booking": {"id": self.booking_id, "status": self.booking_status},
                "payment": {"status": self.payment_status}}


def status_for(client_secret: str, now: dt.datetime) -> PaymentStatus | None:
    """The booking an intent pays for, to whoever holds the intent's client secret.

    The client secret is what the page got from ``POST /bookings``; it proves
    nothing but possession of that one payment, so the answer says nothing
    but two statuses. None when the secret, intent or booking does not match.
    """
    match = CLIENT_SECRET.match(client_secret)
    if not match:
        return None
    try:
        intent = client().v1.payment_intents.retrieve(match.group(1)).to_dict()
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None
        raise
    if not hmac.compare_digest(str(intent.get("client_secret") or ""), client_secret):
        return None
    metadata = intent.get("metadata") or {}
    booking_id, customer_id = metadata.get("booking_id"), metadata.get("customer_id")
    if not booking_id or not customer_id:
        return None
    try:
        booking = Booking.get(*Booking.key(customer_id, booking_id), consistent_read=True)
    except DoesNotExist:
        return None
    if not booking.is_live(now) or booking.payment_intent_id != intent["id"]:
        return None
    status, paying = booking.status, str(intent["status"])
    if status == "awaiting_payment" and booking.hold_until is not None:
        # The page stops waiting once the time is no longer held: at once when no
        # payment is under way, else after the webhook has had ample time (a
        # payment that found its time taken is refunded by the webhook).
        grace = WEBHOOK_GRACE if paying in ("processing", "succeeded") else dt.timedelta(0)
        if now > booking.hold_until + grace:
            status = "lapsed"
    return PaymentStatus(booking_id=booking.booking_id, booking_status=status, payment_status=paying)
