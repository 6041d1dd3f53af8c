"""A prepaid booking through the API, paid and confirmed by the signed webhook Stripe sends (the receipt tests' day)."""

from __future__ import annotations

import json
from typing import Any

import stripe
from allavie.local import servers
from chalicelib.store.models import Booking, Item

from support import stripe_events
from support.booking_data import answer, at, body, post

DAY = "2027-03-30"


SERVICE = "kemisk-peeling"  # 1 200 kr, 300 kr prepayment


def stripe_client(stripe_url: str) -> stripe.StripeClient:
    return stripe.StripeClient(servers.LOCAL_STRIPE_SECRET, base_addresses={"api": stripe_url})


def pay(stripe_url: str, intent_id: str) -> None:
    client = stripe_client(stripe_url)
    client.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    client.v1.payment_intents.confirm(intent_id)


def succeeded_event(stripe_url: str, intent_id: str) -> dict[str, Any]:
    intent = stripe_client(stripe_url).v1.payment_intents.retrieve(intent_id).to_dict()
    return stripe_events.event("payment_intent.succeeded", json.loads(json.dumps(intent, default=str)))


def deliver(api: Any, evt: dict[str, Any]) -> Any:
    payload, headers = stripe_events.delivery(evt, servers.LOCAL_WEBHOOK_SECRET)
    return api.http.post("/webhooks/stripe", body=payload, headers=headers)


def paid_booking(api: Any, stripe_url: str, email: str = "astrid@example.se", language: str = "sv") -> Booking:
    made = post(api, "/bookings", body(service=SERVICE, start=at(DAY, "10:00"), staff="sara", email=email,
                                       language=language), language=language)
    assert made.status_code == 201, made.body
    [booking] = [i for i in Item.scan() if isinstance(i, Booking) and i.booking_id == answer(made)["booking"]["id"]]
    pay(stripe_url, booking.payment_intent_id)
    assert answer(deliver(api, succeeded_event(stripe_url, booking.payment_intent_id)))["action"] == "confirmed"
    return booking
