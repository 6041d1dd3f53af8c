"""The rights that touch everything: a new e-mail address (confirmed first,
then every earlier link is revoked) and erasure (everything personal goes, the
ledger stays and still balances). Customers are made through POST /bookings
and paid through localstripe and a signed webhook, as in production."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import stripe
from chalicelib.links import tokens as links
from chalicelib.payments import ledger
from chalicelib.store import ratelimit
from chalicelib.store.models import (
    Customer,
    EmailKey,
    Item,
    LedgerEntry,
    RateLimit,
    Receipt,
    ReceiptCounter,
    RefundClaim,
    ReportDay,
    ReportSource,
    RightsRequest,
    SlotLock,
    WebhookEvent,
)
from support import stripe_events
from support.booking_data import answer, at, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"
WEBHOOK_SECRET = "whsec_local"


def now() -> dt.datetime:
    return dt.datetime.fromisoformat(NOW)


def patch(client, path: str, data: dict, token: str):
    return client.http.patch(path, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                             body=json.dumps(data))


def data_token(outbox, address: str) -> str:
    """The data link from the newest e-mail to ``address`` (every e-mail's footer carries one)."""
    mail = outbox.emails_to(address)[-1]
    url = next(link for link in outbox.links(mail) if "/mina-uppgifter/#t=" in link)
    return fragment(url)["t"]


@pytest.fixture()
def astrid(client, monkeypatch, outbox) -> str:
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    made = post(client, "/bookings", body(marketing={"email": True, "sms": False}))
    assert made.status_code == 201, made.body
    return data_token(outbox, "astrid@example.se")


def test_one_click_unsubscribe_from_a_real_emails_header(client, astrid, outbox) -> None:
    mail = outbox.emails_to("astrid@example.se")[-1]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = next(part.strip(" <>") for part in str(mail["List-Unsubscribe"]).split(",") if "/unsubscribe?token=" in part)
    path = url[url.index("/unsubscribe"):]
    # what a mail client does (RFC 8058): POST, form-encoded, no cookie, no Authorization
    answer_ = client.http.post(path, body="List-Unsubscribe=One-Click",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer_.status_code == 200
    assert answer(get(client, "/me", token=astrid))["marketing"] == {"email": False, "sms": False}
    bad = client.http.post(path, body="List-Unsubscribe=Something-Else",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert bad.status_code == 400


# --- a new e-mail address ---------------------------------------------------------------------------


def test_a_new_address_counts_only_once_confirmed_and_revokes_every_earlier_link(client, astrid, outbox) -> None:
    unsubscribe = links.issue(links.verify(astrid, ("data",), now()).customer_id, "unsubscribe", 1,
                              now() + dt.timedelta(days=700))
    changed = patch(client, "/me", {"email": "Astrid.Ny@Example.se", "name": "Astrid Ny"}, astrid)
    assert changed.status_code == 200, changed.body
    assert answer(changed)["customer"]["email"] == "astrid@example.se"  # not yet
    assert answer(changed)["pending_email"] == "astrid.ny@example.se"
    assert EmailKey.get(*EmailKey.key("astrid@example.se")).customer_id
    with pytest.raises(EmailKey.DoesNotExist):
        EmailKey.get(*EmailKey.key("astrid.ny@example.se"))
    assert get(client, "/me", token=astrid).status_code == 200  # the old link still works until then

    mail = outbox.emails_to("astrid.ny@example.se")[-1]
    confirm_url = next(link for link in outbox.links(mail) if "confirm=email" in link)
    confirm = fragment(confirm_url)
    assert confirm["confirm"] == "email"
    # a data token cannot confirm; the confirmation token opens nothing else
    assert post(client, "/me/email/confirm", None, token=astrid).status_code == 401
    assert get(client, "/me", token=confirm["t"]).status_code == 401

    confirmed = post(client, "/me/email/confirm", None, token=confirm["t"])
    assert confirmed.status_code == 200, confirmed.body
    fresh = answer(confirmed)["token"]
    assert answer(confirmed)["customer"] == {"name": "Astrid Ny", "email": "astrid.ny@example.se", "phone": "+46701234567",
                                            "phone_display": "070-123 45 67"}
    # every earlier link is revoked: data, unsubscribe, the confirmation itself
    assert get(client, "/me", token=astrid).status_code == 401
    assert client.http.post(f"/unsubscribe?token={unsubscribe}", body="List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 401
    assert post(client, "/me/email/confirm", None, token=confirm["t"]).status_code == 401
    me = get(client, "/me", token=fresh)
    assert me.status_code == 200 and answer(me)["customer"]["email"] == "astrid.ny@example.se"
    assert answer(me)["pending_email"] is None
    with pytest.raises(EmailKey.DoesNotExist):
        EmailKey.get(*EmailKey.key("astrid@example.se"))
    key = EmailKey.get(*EmailKey.key("astrid.ny@example.se"))
    assert key.link_generation == 2 and key.expires_at is not None
    # the booking's own manage link from the confirmation e-mail is revoked too
    booking_mail = next(m for m in outbox.emails_to("astrid@example.se") if ".ics" in str(m) or "hantera" in str(m))
    manage = next(link for link in outbox.links(booking_mail) if "/hantera/#t=" in link)
    booking_id = links.verify(fragment(manage)["t"], ("booking",), now()).booking_id
    assert get(client, f"/bookings/{booking_id}", token=fragment(manage)["t"]).status_code == 401
    assert get(client, f"/bookings/{booking_id}", token=fresh).status_code == 200


def test_an_address_another_customer_has_is_409_at_confirmation_and_changes_nothing(client, astrid, outbox) -> None:
    other = post(client, "/bookings", body(email="bo@example.se", name="Bo Ek", start=at("2027-03-30", "13:00")))
    assert other.status_code == 201, other.body
    bo = data_token(outbox, "bo@example.se")
    assert patch(client, "/me", {"email": "astrid@example.se"}, bo).status_code == 200  # tells nothing yet
    confirm = fragment(next(link for link in outbox.links(outbox.emails_to("astrid@example.se")[-1])
                            if "confirm=email" in link))["t"]
    taken = post(client, "/me/email/confirm", None, token=confirm, language="en")
    assert taken.status_code == 409
    assert answer(taken)["error"]["code"] == "email_taken"
    assert answer(get(client, "/me", token=bo))["customer"]["email"] == "bo@example.se"
    assert EmailKey.get(*EmailKey.key("astrid@example.se")).customer_id != links.verify(bo, ("data",), now()).customer_id


# --- erasure --------------------------------------------------------------------------------------------


def pay_and_confirm(client, stripe_url: str, client_secret: str) -> str:
    intent_id = client_secret.split("_secret_")[0]
    stripe_client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_url})
    stripe_client.v1.payment_intents.update(intent_id, params={"payment_method": "pm_card_visa"})
    stripe_client.v1.payment_intents.confirm(intent_id)
    raw, headers = stripe_events.delivery(
        stripe_events.event("payment_intent.succeeded", {"id": intent_id, "object": "payment_intent"}), WEBHOOK_SECRET)
    delivered = client.http.post("/webhooks/stripe", body=raw, headers=headers)
    assert delivered.status_code == 200, delivered.body
    return intent_id


def test_erasure_removes_everything_personal_keeps_a_balanced_ledger_and_revokes_links(
        client, monkeypatch, outbox, outbox_dir: Path, stripe_url: str) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    typed_phone = "070-987 65 43"
    paid = post(client, "/bookings", body(service="microneedling", start=at("2027-04-06", "10:00"), name="Ingrid Raderas",
                                          email="ingrid@example.se", phone=typed_phone, note="Allergisk mot latex",
                                          marketing={"email": True, "sms": True}))
    assert paid.status_code == 201, paid.body
    paid_id = answer(paid)["booking"]["id"]
    intent_id = pay_and_confirm(client, stripe_url, answer(paid)["payment"]["client_secret"])
    free = post(client, "/bookings", body(start=at("2027-04-07", "11:00"), name="Ingrid Raderas", email="ingrid@example.se",
                                          phone=typed_phone))
    assert free.status_code == 201, free.body
    token = data_token(outbox, "ingrid@example.se")
    customer_id = links.verify(token, ("data",), now()).customer_id
    booking_link = links.issue(customer_id, "booking", 1, now() + dt.timedelta(days=20), paid_id)
    assert client.http.put("/me/marketing", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                           body=json.dumps({"sms": False})).status_code == 200
    assert get(client, f"/bookings/{paid_id}", token=token).status_code == 200
    assert answer(get(client, "/me", token=token))["bookings"][0]["status"] == "confirmed"
    assert list(outbox_dir.glob(f"{customer_id}-*"))
    assert ledger.booking_balance(paid_id, now()) == 50000

    erased = post(client, "/me/erase", None, token=token, language="en")
    assert erased.status_code == 200, erased.body
    result = answer(erased)
    assert result["erased"] and result["cancelled"] == 2
    assert result["refunds"] == [{"amount_sek": 500, "status": "succeeded"}]
    ledger_kept = [k for k in result["kept"] if k["kind"] == "ledger"]
    assert ledger_kept and ledger_kept[0]["until"] == "2034-12-31" and "Bookkeeping" in ledger_kept[0]["why"]
    assert all(set(k) >= {"what", "why", "until"} for k in result["kept"])

    # every link is dead, and there is nothing left to export
    for path in ("/me", "/me/export"):
        assert get(client, path, token=token).status_code == 401
    assert get(client, f"/bookings/{paid_id}", token=booking_link).status_code == 401
    assert post(client, "/me/erase", None, token=token).status_code == 401
    from allavie.commands import rights as rights_cmd

    out = io.StringIO()
    assert rights_cmd.export("ingrid@example.se", out, now=now()) is None and out.getvalue() == ""

    # the ledger still balances: paid 500, refunded 500, as Stripe says
    rows = ledger.for_booking(paid_id, now())
    assert sorted(r.amount_ore for r in rows) == [-50000, 50000] and ledger.balance(rows) == 0
    charge = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_url}).v1.payment_intents.retrieve(
        intent_id, params={"expand": ["latest_charge"]}).latest_charge
    assert charge.amount - charge.amount_refunded == ledger.balance(rows)

    # nothing of the customer is left anywhere in the table, except ledger rows without personal data
    secrets_ = ("ingrid@example.se", "Ingrid", "+46709876543", typed_phone, customer_id, "latex")
    left = list(Item.scan())
    for item in left:
        text = json.dumps(item.to_simple_dict(), default=str, ensure_ascii=False)
        for secret in secrets_:
            assert secret.lower() not in text.lower(), (type(item).__name__, secret)
        # RateLimit: the hourly holds counter of the network address that booked (a keyed hash, booking.take),
        # which is the requester's, not the customer's, and lapses within two hours; the address's own goes.
        if isinstance(item, RateLimit):
            assert item.pk != ratelimit.subject_key("links", "ingrid@example.se")
            continue
        # ReportDay, ReportSource: the owner's counts per day and what each booking or payment put in (no name)
        assert isinstance(item, LedgerEntry | RefundClaim | Receipt | ReceiptCounter | RightsRequest | WebhookEvent
                          | ReportDay | ReportSource), type(item).__name__
    assert any(isinstance(i, LedgerEntry) for i in left)
    # the receipt of the payment and the credit receipt of its refund are accounting records: they stay
    kept = sorted((r.receipt_type, int(r.amount_ore)) for r in left if isinstance(r, Receipt))
    assert kept == [("credit", -50000), ("receipt", 50000)]
    assert not [i for i in left if isinstance(i, SlotLock)]  # the time is free again
    assert not [i for i in left if isinstance(i, Customer | EmailKey)]
    assert not list(outbox_dir.glob(f"{customer_id}-*"))  # the outbox copies went too
    erasures = [r for r in RightsRequest.scan() if r.request_type == "erasure"]
    assert len(erasures) == 1 and erasures[0].outcome == "erased"

    # the freed time can be booked by somebody else
    again = post(client, "/bookings", body(service="microneedling", start=at("2027-04-06", "10:00"), email="ny@example.se"))
    assert again.status_code == 201, again.body
