"""Payments for the tests: a booking written through the models, paid with localstripe as a customer's browser pays."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import stripe
from chalicelib.payments import gateway as payments
from chalicelib.store.models import Booking

from support import clock as run_clock


def stripe_client(stripe_url: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_url})


def a_booking(*, prepayment_sek: int = 500, start: dt.datetime | None = None, status: str = "awaiting_payment") -> Booking:
    booking_id, customer_id = secrets.token_hex(8), secrets.token_hex(8)
    now = run_clock.now()
    start = start or now + dt.timedelta(days=10)
    booking = Booking(
        *Booking.key(customer_id, booking_id),
        booking_id=booking_id, customer_id=customer_id, service_id="test", staff_id="anna",
        start=start, end=start + dt.timedelta(hours=1), locked_units=4, status=status,
        hold_until=now + dt.timedelta(minutes=15), price_sek=1200, prepayment_sek=prepayment_sek,
        created_at=now, expires_at=now + dt.timedelta(days=1000),
    )
    booking.save()
    return booking


def pay(stripe_url: str, payment_intent_id: str, card: str = "pm_card_visa") -> Any:
    """What the customer's browser does: attach a card, confirm."""
    client = stripe_client(stripe_url)
    client.v1.payment_intents.update(payment_intent_id, params={"payment_method": card})
    return client.v1.payment_intents.confirm(payment_intent_id)


def paid_booking(stripe_url: str, **kwargs: Any) -> Booking:
    """A booking confirmed and paid (as booking.confirm_payment leaves it)."""
    booking = a_booking(**kwargs)
    start = payments.start_payment(booking)
    assert start is not None
    pay(stripe_url, start.payment_intent_id)
    booking.update(actions=[Booking.payment_intent_id.set(start.payment_intent_id), Booking.status.set("confirmed"),
                            Booking.paid_sek.set(start.amount_sek)])
    return booking


def charge_of(stripe_url: str, payment_intent_id: str) -> Any:
    intent = stripe_client(stripe_url).v1.payment_intents.retrieve(payment_intent_id, params={"expand": ["latest_charge"]})
    return intent.latest_charge
