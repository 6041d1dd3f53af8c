"""localstripe's own signed deliveries reach `chalice local` and are verified on
the raw bytes (no payload built by the test)."""

from __future__ import annotations

import time

import pytest
import stripe
from chalicelib.store.models import Item, WebhookEvent


def stripe_events_for(client: stripe.StripeClient, intent_id: str, event_type: str) -> list[str]:
    events = client.v1.events.list(params={"type": event_type, "limit": 100}).data
    return [e.id for e in events if e.to_dict()["data"]["object"]["id"] == intent_id]


def recorded(event_ids: list[str]) -> list[WebhookEvent]:
    wanted = {WebhookEvent.key(i)[0] for i in event_ids}
    return [i for i in Item.scan() if isinstance(i, WebhookEvent) and i.pk in wanted and i.status == "completed"]


def wait_until_recorded(client: stripe.StripeClient, intent_id: str, event_type: str, timeout: float = 10) -> WebhookEvent:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ids = stripe_events_for(client, intent_id, event_type)
        found = recorded(ids)
        if ids and len(found) == len(ids) == 1:
            return found[0]
        time.sleep(0.25)
    raise AssertionError(f"{event_type} for {intent_id} was not recorded within {timeout} s")


def test_localstripe_deliveries_are_verified_and_recorded(
    api_url: str, stripe_url: str, table: None, stripe_webhooks: str,
) -> None:
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_url})
    paid = client.v1.payment_intents.create(params={"amount": 5000, "currency": "sek", "payment_method": "pm_card_visa"})
    client.v1.payment_intents.confirm(paid.id)
    declined = client.v1.payment_intents.create(
        params={"amount": 5000, "currency": "sek", "payment_method": "pm_card_chargeCustomerFail"})
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.confirm(declined.id)
    assert wait_until_recorded(client, paid.id, "payment_intent.succeeded").event_type == "payment_intent.succeeded"
    assert wait_until_recorded(client, declined.id, "payment_intent.payment_failed").status == "completed"
