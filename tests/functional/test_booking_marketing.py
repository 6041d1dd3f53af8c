"""Double opt-in for the offers ticked on the booking form (Chalice in-process, DynamoDB Local,
localstripe): the tick is a request, the confirmation e-mail carries the link, the link grants
exactly those channels and leaves the proof."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import stripe
from chalicelib.links import tokens as links
from chalicelib.store.models import Customer, Item, MarketingConsent
from support import stripe_events
from support.booking_data import answer, at, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"
CONFIRM = "/me/marketing/confirm"


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client


def items(kind: type[Item]) -> list[Any]:
    return [i for i in Item.scan() if isinstance(i, kind)]


def book(api, **overrides: Any) -> dict:
    response = post(api, "/bookings", body(**overrides))
    assert response.status_code == 201, response.body
    return answer(response)


def confirmation(outbox, address: str = "astrid@example.se"):
    return [m for m in outbox.emails_to(address) if "/hantera/" in outbox.text(m)][-1]


def confirm_link(outbox, message=None) -> str | None:
    message = message or confirmation(outbox)
    return next((link for link in outbox.links(message) if "confirm=marketing" in link), None)


def test_a_tick_on_the_form_opts_nobody_in_and_the_confirmation_asks(api, outbox) -> None:
    book(api, marketing={"email": True, "sms": True})
    [customer] = items(Customer)
    assert (customer.marketing_email, customer.marketing_sms) == (False, False)
    requests = items(MarketingConsent)
    assert {(c.channel, c.granted, c.source, c.state) for c in requests} == {
        ("email", False, "booking_form", "awaiting_confirmation"), ("sms", False, "booking_form", "awaiting_confirmation")}
    assert {c.at for c in requests} == {dt.datetime.fromisoformat(NOW)}

    message = confirmation(outbox)
    text = outbox.text(message)
    assert "Bekräfta att du vill ha erbjudanden via e-post och sms" in text
    link = confirm_link(outbox, message)
    assert link is not None and link.startswith("http") and "/utskick/#t=" in link and "/en/" not in link
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Bekräfta att du vill ha erbjudanden via e-post och sms</a>" in html
    # Nothing ticked: nothing asked.
    book(api, email="bo@example.se", start=at("2027-03-30", "13:00"))
    assert confirm_link(outbox, confirmation(outbox, "bo@example.se")) is None


def test_following_the_link_grants_exactly_those_channels_with_the_proof(api, outbox) -> None:
    book(api, marketing={"email": False, "sms": True}, language="en")
    text = outbox.text(confirmation(outbox))
    assert "Confirm that you want offers by SMS" in text and "e-mail and" not in text
    link = confirm_link(outbox)
    assert link is not None and "/en/utskick/#t=" in link
    token = fragment(link)["t"]

    response = post(api, CONFIRM, None, token=token)
    assert response.status_code == 200, response.body
    result = answer(response)
    assert result["marketing"] == {"email": False, "sms": True}
    [customer] = items(Customer)
    assert (customer.marketing_email, customer.marketing_sms) == (False, True)
    granted = [c for c in items(MarketingConsent) if c.source == "email_confirmation"]
    assert [(c.channel, c.granted, c.state) for c in granted] == [("sms", True, None)]
    assert granted[0].at == dt.datetime.fromisoformat(NOW)
    # The page goes on with the data token it got back.
    assert answer(get(api, "/me", token=result["token"]))["marketing"] == {"email": False, "sms": True}
    # A second click changes nothing and records nothing more.
    assert post(api, CONFIRM, None, token=token).status_code == 200
    assert len([c for c in items(MarketingConsent) if c.source == "email_confirmation"]) == 1

    # The export shows the request and the confirmation.
    document = answer(get(api, "/me/export", token=result["token"]))
    assert {(c["channel"], c["granted"], c["source"], c.get("state")) for c in document["marketing_consents"]} == {
        ("sms", False, "booking_form", "awaiting_confirmation"), ("sms", True, "email_confirmation", None)}
    assert all("at" in c for c in document["marketing_consents"])
    assert document["bookings"][0]["marketing_requested"] == "sms"


def test_a_channel_already_granted_is_not_asked_again(api, outbox) -> None:
    book(api, marketing={"email": True, "sms": False})
    token = fragment(confirm_link(outbox) or "")["t"]
    assert post(api, CONFIRM, None, token=token).status_code == 200
    book(api, marketing={"email": True, "sms": False}, start=at("2027-04-06", "10:00"))
    assert confirm_link(outbox) is None  # e-mail is granted already
    book(api, marketing={"email": True, "sms": True}, start=at("2027-04-07", "10:00"))
    assert "erbjudanden via sms" in outbox.text(confirmation(outbox))  # only what is missing
    assert "via e-post" not in outbox.text(confirmation(outbox))


def test_an_altered_stale_revoked_or_other_link_is_401_and_changes_nothing(api, outbox, monkeypatch) -> None:
    book(api, marketing={"email": True, "sms": True})
    token = fragment(confirm_link(outbox) or "")["t"]
    [customer] = items(Customer)
    data = links.issue(customer.customer_id, "data", 1, dt.datetime.fromisoformat(NOW) + dt.timedelta(days=7))
    forged_channels = links.issue(customer.customer_id, "marketing", 1, dt.datetime.fromisoformat(NOW)
                                  + dt.timedelta(days=7), ref="email sms", key="not-our-key")
    payload, _, signature = token.rpartition(".")
    # The signature's first character: all its bits count (the last one's may be only base64 padding).
    altered = f"{payload}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"
    for bad in (altered, data, forged_channels, ""):
        response = post(api, CONFIRM, None, token=bad or None)
        assert response.status_code == 401, (bad, response.body)
        assert json.loads(response.body)["error"]["code"] == "unauthorized"
    monkeypatch.setenv("ALLAVIE_NOW", "2027-04-20T12:00:00+02:00")  # 31 days later: the link has expired
    assert post(api, CONFIRM, None, token=token).status_code == 401
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    customer.update(actions=[Customer.link_generation.add(1)])  # a new address or an erasure revokes it
    assert post(api, CONFIRM, None, token=token).status_code == 401
    [customer] = items(Customer)
    assert (customer.marketing_email, customer.marketing_sms) == (False, False)
    assert not [c for c in items(MarketingConsent) if c.granted]


def test_a_prepaid_booking_asks_in_the_confirmation_the_webhook_sends(api, outbox, stripe_url) -> None:
    made = book(api, service="laser-pigment", staff="anna", age_confirmed=True, marketing={"email": True, "sms": False})
    assert made["booking"]["status"] == "awaiting_payment" and outbox.emails_to("astrid@example.se") == []
    intent_id = made["payment"]["client_secret"].split("_secret")[0]
    client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_url})
    client.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    client.v1.payment_intents.confirm(intent_id)
    evt = stripe_events.event("payment_intent.succeeded", {"id": intent_id, "object": "payment_intent"})
    payload, headers = stripe_events.delivery(evt, "whsec_local")
    assert api.http.post("/webhooks/stripe", body=payload, headers=headers).status_code == 200
    assert "Bekräfta att du vill ha erbjudanden via e-post" in outbox.text(confirmation(outbox))
    assert (items(Customer)[0].marketing_email, items(Customer)[0].marketing_sms) == (False, False)
