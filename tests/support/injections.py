"""Treatments under lag (2021:363) through the API: the pinned moment, the treatments, booking and paying a hold."""

from __future__ import annotations

from typing import Any

import stripe
from chalicelib.store.models import Booking, Item

from support import stripe_events
from support.booking_data import answer, at, body, post

NOW = "2027-03-20T12:00:00+01:00"  # a Saturday; Mondays 22 March and 5 April (29 March is annandag påsk)


FILLER, WRINKLES, CONSULTATION = "fillers-lappar", "rynkbehandling", "injektionskonsultation"


def items(kind: type[Item]) -> list[Any]:
    return [i for i in Item.scan() if isinstance(i, kind)]


def booking(booking_id: str) -> Booking:
    return next(b for b in items(Booking) if b.booking_id == booking_id)


def ask(api, service: str, day: str, time: str, email: str = "astrid@example.se", language: str = "sv") -> Any:
    return post(api, "/bookings", body(service=service, staff="anna", age_confirmed=True, start=at(day, time),
                                       email=email), language=language)


def book(api, service: str, day: str, time: str, email: str = "astrid@example.se") -> dict:
    response = ask(api, service, day, time, email)
    assert response.status_code == 201, response.body
    return answer(response)["booking"]


def pay(api, stripe_url: str, booking_id: str) -> None:
    """Pay a hold as Stripe would: the intent succeeds and the signed webhook confirms the booking."""
    intent_id = booking(booking_id).payment_intent_id
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_url})
    client.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    client.v1.payment_intents.confirm(intent_id)
    evt = stripe_events.event("payment_intent.succeeded", {"id": intent_id, "object": "payment_intent"})
    payload, headers = stripe_events.delivery(evt, "whsec_local")
    assert api.http.post("/webhooks/stripe", body=payload, headers=headers).status_code == 200
    assert booking(booking_id).status == "confirmed"
