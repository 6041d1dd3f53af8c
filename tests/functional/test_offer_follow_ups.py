"""Follow-ups of a treatment (the clinic file's "a peel again after six weeks") and the offers' place in a
customer's data (DynamoDB Local, the outbox): sent once per visit and channel to those whose consent is on,
however often the daily run goes; the offers' items are in the export and go with an erasure; the operator's
backfill puts the customers from before the lists on them, once."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from allavie import cli
from chalicelib.booking import follow_ups
from chalicelib.booking.locks import day_keys
from chalicelib.core import clinic as clinic_module
from chalicelib.marketing import optin
from chalicelib.store.models import Booking, Item, OfferDelivery, OptIn
from support.offers import finish
from support.outbox import Outbox
from support.rights_customers import make_customer
from support.staff import ANNA, call, sign_in

NOW = dt.datetime(2027, 5, 10, 7, 0, tzinfo=dt.timezone.utc)   # Monday 09:00 in Stockholm
VISIT = NOW - dt.timedelta(days=42)                            # a peel six weeks ago
PEEL = "Dags för en ny peeling?"


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    return client


def peel_visit(made, start: dt.datetime, status: str = "completed") -> Booking:
    booking_id = secrets.token_hex(8)
    pk, sk = day_keys(clinic_module.current(), start, booking_id)
    booking = Booking(*Booking.key(made.id, booking_id), booking_id=booking_id, customer_id=made.id,
                      service_id="kemisk-peeling", staff_id="sara", start=start, end=start + dt.timedelta(hours=1),
                      locked_units=4, status=status, price_sek=1195, created_at=start - dt.timedelta(days=7),
                      expires_at=made.customer.expires_at, gsi1pk=pk, gsi1sk=sk)
    booking.save()
    return booking


def customer(i: int, marketing: tuple[bool, bool]):
    # a past visit only (written without time locks, which a future one would need to be cancelled)
    made = make_customer(NOW, name=f"Kund{chr(65 + i)} Peeling", email=f"peel{i}@example.se",
                         phone=f"+4670333{i:04d}", marketing=marketing, visits=((-100, "completed"),))
    optin.reconcile(made.id, NOW)
    return made


def test_a_follow_up_goes_once_per_visit_and_channel_to_those_who_agreed(api, outbox: Outbox) -> None:
    both = customer(1, (True, True))
    mail_only = customer(2, (True, False))
    nobody = customer(3, (False, False))
    again = customer(4, (True, True))
    no_show = customer(5, (True, True))
    for made in (both, mail_only, nobody, again):
        peel_visit(made, VISIT)
    peel_visit(no_show, VISIT, status="no_show")
    peel_visit(again, NOW + dt.timedelta(days=3), status="confirmed")  # booked the next one already
    peel_visit(both, VISIT - dt.timedelta(days=10))                    # an older visit: its day has passed

    first = follow_ups.send_due(NOW)
    assert first.messages == 3  # both: e-mail and SMS; mail_only: e-mail
    for _ in range(2):  # the next runs, and a repeated one the same day, send nothing more
        assert follow_ups.send_due(NOW).messages == 0
        assert follow_ups.send_due(NOW + dt.timedelta(days=2)).messages == 0
    mails = [m for m in outbox.emails() if str(m["Subject"]) == PEEL]
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in mails) == sorted(
        [both.customer.email, mail_only.customer.email])
    text = outbox.text(mails[0])
    assert "Sex veckor sedan din kemiska peeling" in text and "/boka/?behandling=kemisk-peeling" in text
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    texts = [s for s in outbox.sms() if "Sex veckor sedan" in s]
    assert [s.splitlines()[0] for s in texts] == [f"To: {both.customer.phone}"]
    deliveries = [i for i in Item.scan() if isinstance(i, OfferDelivery)]
    assert sorted((d.pk, d.channel, d.follow_up) for d in deliveries) == sorted(
        [(f"CUST#{both.id}", "email", "peel-igen"), (f"CUST#{both.id}", "sms", "peel-igen"),
         (f"CUST#{mail_only.id}", "email", "peel-igen")])
    # before its day nothing is due
    assert follow_ups.send_due(NOW - dt.timedelta(days=1)).messages == 0


def test_offers_are_in_the_export_and_go_with_an_erasure(api, outbox: Outbox) -> None:
    anna = sign_in(api, outbox, ANNA, NOW).session
    made = customer(1, (True, True))
    status, offer = call(api, "POST", "/staff/offers", {"subject": "Nyhet", "text": "Nytt serum.",
                                                         "channels": ["email", "sms"]}, session=anna)
    assert status == 201
    assert call(api, "POST", f"/staff/offers/{offer['offer']['id']}/send", session=anna)[0] == 202
    finish(api, anna, offer["offer"]["id"])
    token = made.token(now=NOW)
    status, document = call(api, "GET", "/me/export", session=token)
    assert status == 200
    assert sorted(d["channel"] for d in document["offers_received"]) == ["email", "sms"]
    assert all(d["subject"] == "Nyhet" for d in document["offers_received"])
    assert sorted(d["channel"] for d in document["offer_lists"]) == ["email", "sms"]
    erased = call(api, "POST", "/me/erase", session=token)
    assert erased[0] == 200, erased
    left = list(Item.query(f"CUST#{made.id}"))
    assert [i for i in left if isinstance(i, (OfferDelivery, OptIn))] == []
    # the offer itself holds no personal data and keeps its counts
    status, kept = call(api, "GET", f"/staff/offers/{offer['offer']['id']}", session=anna)
    assert status == 200 and kept["offer"]["sent"] == {"email": 1, "sms": 1}
    assert made.customer.email not in json.dumps(kept) and made.customer.name not in json.dumps(kept)


def test_the_operators_backfill_puts_earlier_customers_on_the_lists_once(table, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    both = make_customer(NOW, name="Ulla Tidigare", email="ulla@example.se", marketing=(True, True))
    make_customer(NOW, name="Sven Ingen", email="sven@example.se", phone="+46709998877", marketing=(False, False))
    assert optin.count("email", NOW) == 0  # written before the lists: on none
    assert cli.main(["staff", "reindex"]) == 0
    assert "2 markers of the offers' lists written or removed" in capsys.readouterr().out
    assert (optin.count("email", NOW), optin.count("sms", NOW)) == (1, 1)
    markers = [i for i in Item.scan() if isinstance(i, OptIn)]
    assert {m.pk for m in markers} == {f"CUST#{both.id}"}
    assert {m.expires_at for m in markers} == {both.customer.expires_at}  # they live as long as her data
    assert cli.main(["staff", "reindex"]) == 0
    assert "0 markers of the offers' lists written or removed" in capsys.readouterr().out


def test_the_offers_items_move_with_the_customers_expiry(api, outbox: Outbox) -> None:
    from chalicelib.retention import expiry
    from chalicelib.store.models import Customer

    made = customer(1, (True, True))
    peel_visit(made, VISIT)
    assert follow_ups.send_due(NOW).messages == 2
    peel_visit(made, NOW + dt.timedelta(days=200), status="confirmed")  # a later visit keeps the data longer
    expiry.refresh(made.id, NOW)
    profile = Customer.get(*Customer.key(made.id))
    assert profile.expires_at > made.customer.expires_at
    moved = [i for i in Item.query(f"CUST#{made.id}") if isinstance(i, (OptIn, OfferDelivery))]
    assert len(moved) == 4 and {i.expires_at for i in moved} == {profile.expires_at}


def test_the_retention_sweep_takes_the_offers_items_with_the_rest(api, outbox: Outbox) -> None:
    from chalicelib.retention import sweeper
    from chalicelib.store.models import Customer

    made = customer(1, (True, True))
    peel_visit(made, VISIT)
    assert follow_ups.send_due(NOW).messages == 2
    outbox.emails()  # the messages have gone out
    expires = Customer.get(*Customer.key(made.id)).expires_at
    day_after = expires.astimezone(clinic_module.current().tz).date()
    report = sweeper.sweep(day_after, expires + dt.timedelta(days=1), "schedule")
    assert report.items.get("optin") == 2 and report.items.get("offer_delivery") == 2
    assert list(Item.query(f"CUST#{made.id}")) == []
