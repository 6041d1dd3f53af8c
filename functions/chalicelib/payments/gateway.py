"""Stripe: the only module that imports ``stripe`` (and the aiohttp under it).

Everything it answers is plain data from ``payments.values``. In AWS the keys
come from SSM, locally localstripe plays Stripe (``STRIPE_API_BASE``). Kept
off the Lambda's cold start: importers load it where a payment happens.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import stripe

from ..core import secret_store
from ..core import settings as settings_module
from .values import Intent, Paid, Payable, PaymentStart, Refunded, StripeEvent

CURRENCY = "sek"
ORE_PER_SEK = 100
STRIPE_JS = "https://js.stripe.com/v3/"


class PaymentError(RuntimeError):
    """Stripe did not do what was asked."""


class BadSignature(ValueError):
    """The Stripe-Signature header does not match the body, or is missing or too old."""


@functools.lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str | None) -> stripe.StripeClient:
    if api_base:
        return stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=2)
    return stripe.StripeClient(secret_key, max_network_retries=2)


def client() -> stripe.StripeClient:
    """Stripe, or localstripe when ``STRIPE_API_BASE`` is set (read per call)."""
    return _client(secret_store.get("STRIPE_SECRET_KEY"), settings_module.get().stripe_api_base)


def stripe_js_url() -> str:
    base = settings_module.get().stripe_api_base
    return f"{base.rstrip('/')}/js.stripe.com/v3/" if base else STRIPE_JS


def to_ore(amount_sek: int) -> int:
    return int(amount_sek) * ORE_PER_SEK


def to_sek(amount_ore: int) -> int:
    """Whole kronor (prepayments are whole kronor; öre are never lost: they round down only if odd)."""
    return int(amount_ore) // ORE_PER_SEK


def start_payment(booking: Payable) -> PaymentStart | None:
    """Create the PaymentIntent of a booking that needs prepayment; None when it needs none.

    Metadata names the booking and customer by their opaque ids (no personal data);
    one idempotency key per booking, so a retried POST gets the same intent back.
    """
    amount_sek, booking_id = int(booking.prepayment_sek or 0), booking.booking_id
    if amount_sek <= 0:
        return None
    # No payment_method_types: on Stripe's current API versions that means automatic payment
    # methods, so card, Klarna and Swish follow what the clinic enables in its Stripe dashboard.
    # (localstripe rejects the explicit ``automatic_payment_methods`` parameter; we need not send it.)
    intent = client().v1.payment_intents.create(
        params={
            "amount": to_ore(amount_sek),
            "currency": CURRENCY,
            "metadata": {"booking_id": booking_id, "customer_id": booking.customer_id, "service_id": booking.service_id},
        },
        options={"idempotency_key": f"allavie-booking-{booking_id}"},
    )
    return PaymentStart(
        payment_intent_id=str(intent.id),
        client_secret=str(intent.client_secret),
        publishable_key=secret_store.get("STRIPE_PUBLISHABLE_KEY"),
        amount_sek=amount_sek,
        stripe_js=stripe_js_url(),
    )


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
        service_id=metadata.get("service_id"),
    )


def intent(payment_intent_id: str) -> Intent | None:
    """An intent without its charge (for the booking page's status question); None when unknown."""
    try:
        found = client().v1.payment_intents.retrieve(payment_intent_id).to_dict()
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None
        raise
    metadata = found.get("metadata") or {}
    return Intent(payment_intent_id=str(found["id"]), status=str(found["status"]),
                  client_secret=str(found.get("client_secret") or ""),
                  booking_id=metadata.get("booking_id"), customer_id=metadata.get("customer_id"))


def refund(payment_intent_id: str, amount_ore: int, metadata: dict[str, str], idempotency_key: str) -> Refunded:
    """Give ``amount_ore`` of an intent back; PaymentError when Stripe refuses."""
    try:
        made = client().v1.refunds.create(
            # localstripe rejects Stripe's ``reason`` parameter; the metadata says it.
            params={"payment_intent": payment_intent_id, "amount": amount_ore, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise PaymentError(f"Stripe refused the refund of {payment_intent_id}: {error}") from error
    return Refunded(refund_id=str(made.id), status=str(made.status or "pending"))


MAX_EVENT_DEPTH = 32  # Stripe's events nest about ten deep (event, data, object, charges, metadata ...)


def nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the JSON text nests objects and arrays deeper than ``limit`` (brackets inside strings do not
    count): checked before parsing, in one pass that stops at the limit."""
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x7D, 0x5D):  # } ]
            depth -= 1
    return False


def verify_event(raw_body: bytes, signature_header: str | None) -> StripeEvent:
    """Check the signature on the raw bytes exactly as received, then parse them.

    Raises BadSignature for a missing, forged or stale (over 5 minutes) signature,
    and ValueError for a signed body that is not an event.
    """
    if not signature_header:
        raise BadSignature("no Stripe-Signature header")
    try:
        stripe.WebhookSignature.verify_header(
            raw_body.decode("utf-8"), signature_header, secret_store.get("STRIPE_WEBHOOK_SECRET"),
            stripe.Webhook.DEFAULT_TOLERANCE,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as error:
        raise BadSignature(str(error)) from None
    if nesting_exceeds(raw_body, MAX_EVENT_DEPTH):
        raise ValueError("nested deeper than any Stripe event")  # json.loads would recurse past the stack: a 500
    data = json.loads(raw_body)
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise ValueError("not a Stripe event")
    event_id, event_type = data.get("id"), data.get("type")
    obj = data["data"].get("object")
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not isinstance(obj, dict):
        raise ValueError("not a Stripe event")
    return StripeEvent(id=event_id, type=event_type, created=int(data.get("created") or 0), object=obj)
