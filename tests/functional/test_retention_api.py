"""Retention with data made through the real API (POST /bookings, cancel, GET /me),
the clock moved with ALLAVIE_NOW, the nightly sweeper invoked as Lambda runs it."""

from __future__ import annotations

import datetime as dt
import json

from chalicelib.core import clock
from chalicelib.links import tokens as links
from chalicelib.store.models import Booking, EmailKey, Item, customer_pk
from support.outbox import settle
from support.retention_data import dump, everything


def stockholm(day: str, time: str = "10:00") -> str:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), clock.STOCKHOLM).isoformat()


class Api:
    def __init__(self, client, monkeypatch) -> None:
        self.client, self.monkeypatch = client, monkeypatch

    def at(self, moment: str) -> Api:
        self.monkeypatch.setenv("ALLAVIE_NOW", moment)
        return self

    def book(self, day: str, name: str, email: str, phone: str, *, staff: str = "sara", marketing: bool = False) -> dict:
        body = {"service": "konsultation", "start": stockholm(day), "staff": staff, "name": name, "email": email,
                "phone": phone, "marketing": {"email": marketing, "sms": False}}
        answer = self.client.http.post("/bookings", headers={"Content-Type": "application/json"}, body=json.dumps(body))
        assert answer.status_code == 201, answer.body
        return json.loads(answer.body)["booking"]

    def get(self, path: str, token: str):
        return self.client.http.get(path, headers={"Authorization": f"Bearer {token}"})

    def sweep_tonight(self, night: str) -> dict:
        """The scheduled function as EventBridge calls it, at 03:30 in Stockholm on ``night``."""
        self.at(stockholm(night, "03:30"))
        event = self.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                     resources=[])
        return self.client.lambda_.invoke("sweep_expired", event).payload


def customer_of(email: str) -> str:
    return EmailKey.get(*EmailKey.key(email), consistent_read=True).customer_id


def stored(customer_id: str, email: str) -> dict[str, dict]:
    items = list(Item.query(customer_pk(customer_id), consistent_read=True))
    items += list(Item.query(EmailKey.key(email)[0], consistent_read=True))
    return {f"{item.pk}|{item.sk}": item.serialize() for item in items}


def test_the_night_after_36_months_and_a_day_the_customer_is_gone_and_one_day_less_is_kept_whole(
        client, monkeypatch, outbox_dir) -> None:
    api = Api(client, monkeypatch).at(stockholm("2026-06-09", "12:00"))
    api.book("2026-06-16", "Greta Gammal", "greta@example.se", "070-111 11 11", marketing=True)  # a Tuesday
    api.book("2026-06-17", "Karin Kvar", "karin@example.se", "070-222 22 22")                   # the Wednesday
    greta, karin = customer_of("greta@example.se"), customer_of("karin@example.se")
    settle()  # the confirmations leave through the table's stream
    karin_before = stored(karin, "karin@example.se")
    # profile, booking, confirmation message, EmailKey, and since the back office the booking's ref,
    # 6 search terms and the 2 notices to the clinic about the booking (messages in her partition)
    assert len(karin_before) == 13
    assert any(f.name.startswith(greta) for f in outbox_dir.iterdir())

    # 03:30 on Thursday 2029-06-17: Greta's data ended with 2029-06-16, Karin's ends tonight
    assert api.sweep_tonight("2029-06-17") == {"as_of": "2029-06-16", "customers": 1, "kept": 0, "items": {
        "customer": 1, "booking": 1, "message": 3, "marketing_consent": 1, "email": 1, "booking_ref": 1,
        "customer_term": 6, "slot_lock": 3}}  # a lock names its customer: it goes too, past or not

    left = dump(everything())
    for trace in (greta, "Greta Gammal", "greta@example.se", "+46701111111"):
        assert trace not in left
    assert not any(f.name.startswith(greta) for f in outbox_dir.iterdir())  # the local copies of her e-mails too
    assert stored(karin, "karin@example.se") == karin_before
    assert any(f.name.startswith(karin) for f in outbox_dir.iterdir())

    api.sweep_tonight("2029-06-18")
    assert karin not in dump(everything())


def test_every_booking_moves_the_expiry_of_every_item_and_a_cancellation_moves_it_back(client, monkeypatch) -> None:
    api = Api(client, monkeypatch).at(stockholm("2026-06-09", "12:00"))
    api.book("2026-06-16", "Vera Visit", "vera@example.se", "070-333 33 33", marketing=True)
    vera = customer_of("vera@example.se")
    first = clock.epoch(clock.end_of_day(dt.date(2029, 6, 16)))
    assert {raw["expires_at"]["N"] for raw in stored(vera, "vera@example.se").values()} == {str(first)}

    api.at(stockholm("2026-06-10", "12:00"))
    later = api.book("2026-08-18", "Vera Visit", "vera@example.se", "070-333 33 33")
    moved = clock.epoch(clock.end_of_day(dt.date(2029, 8, 18)))
    items = stored(vera, "vera@example.se")
    # profile, consent, 2 bookings, 2 confirmations, EmailKey; and the back office's 2 booking refs,
    # 6 search terms and 2 notices to the clinic per booking
    assert len(items) == 19
    assert {raw["expires_at"]["N"] for raw in items.values()} == {str(moved)}
    profile = items[f"CUST#{vera}|PROFILE"]
    assert profile["gsi2sk"]["S"].startswith(f"{moved:011d}#")

    # she cancels the later visit: everything goes back to 36 months after the first one
    token = links.issue(vera, "booking", 1, clock.from_epoch(moved), booking_id=later["id"])
    answer = client.http.post(f"/bookings/{later['id']}/cancel", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.body
    items = stored(vera, "vera@example.se")
    assert Booking.get(*Booking.key(vera, later["id"])).status == "cancelled"
    assert len(items) == 22  # and the cancellation e-mail, and its 2 notices to the clinic
    assert {raw["expires_at"]["N"] for raw in items.values()} == {str(first)}

    # the sweep after the first visit's 36 months leaves nothing
    api.sweep_tonight("2029-06-17")
    assert vera not in dump(everything()) and "vera@example.se" not in dump(everything())


def test_an_expired_customer_is_invisible_and_booking_again_starts_afresh(client, monkeypatch) -> None:
    api = Api(client, monkeypatch).at(stockholm("2026-06-09", "12:00"))
    api.book("2026-06-16", "Olle Förr", "olle@example.se", "070-444 44 44", marketing=True)
    old = customer_of("olle@example.se")
    token = links.issue(old, "data", 1, clock.end_of_day(dt.date(2030, 1, 1)))
    assert api.get("/me", token).status_code == 200

    # the first minute after his last day, before any sweep
    api.at(stockholm("2029-06-17", "00:00"))
    assert api.get("/me", token).status_code == 401
    assert api.get("/me/export", token).status_code == 401
    answer = client.http.get("/availability?service=konsultation&from=2029-06-18&to=2029-06-19&staff=sara")
    assert answer.status_code == 200 and "olle" not in answer.body.decode().lower()

    # he books again: a new customer, who sees nothing of the old one
    api.at(stockholm("2029-06-17", "09:00"))
    fresh = api.book("2029-06-19", "Olle Ny", "olle@example.se", "070-555 55 55")
    new = customer_of("olle@example.se")
    assert new != old
    me = api.get("/me", links.issue(new, "data", 1, clock.end_of_day(dt.date(2030, 1, 1))))
    assert me.status_code == 200
    answer = json.loads(me.body)
    assert [b["id"] for b in answer["bookings"]] == [fresh["id"]]
    assert answer["customer"]["name"] == "Olle Ny" and answer["marketing"] == {"email": False, "sms": False}

    # the night's sweep removes the old customer and leaves the new one, address and all
    assert api.sweep_tonight("2029-06-18")["customers"] == 1
    left = dump(everything())
    assert old not in left and "Olle Förr" not in left and "+46704444444" not in left
    assert customer_of("olle@example.se") == new and "Olle Ny" in left
