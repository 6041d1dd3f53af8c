"""Booking through the API (Chalice in-process) against DynamoDB Local: book, manage,
overlaps, the clock changes of 2027, bad input, consents, reminders."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from chalicelib.booking import paid as booking_module
from chalicelib.store.models import Booking, Customer, EmailKey, Item, MarketingConsent, Message, SlotLock
from support.booking_data import DROP, answer, at, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"  # a Saturday, ten days before the bookings below


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client


def items(kind: type[Item] | None = None) -> list[Item]:
    everything = list(Item.scan())
    return [i for i in everything if kind is None or isinstance(i, kind)]


def slots(api, service: str, day: str, staff: str | None = None) -> dict[str, list[str]]:
    query = f"/availability?service={service}&from={day}&to={day}" + (f"&staff={staff}" if staff else "")
    response = get(api, query)
    assert response.status_code == 200, response.body
    return {s["start"]: s["staff"] for s in answer(response)["slots"]}


def book(api, **overrides):
    response = post(api, "/bookings", body(**overrides))
    assert response.status_code == 201, response.body
    return answer(response)


def manage_link(outbox, address: str = "astrid@example.se") -> dict[str, str]:
    [message] = [m for m in outbox.emails_to(address) if "/hantera/" in outbox.text(m)][-1:]
    link = next(link for link in outbox.links(message) if "/hantera/" in link)
    return fragment(link)


# --- book, see, move, cancel -------------------------------------------------------------------


def test_a_booking_is_stored_in_one_piece_and_confirmed_by_e_mail(api, outbox) -> None:
    result = book(api, email="Astrid@Example.SE", note="  Känslig hud <3\nTack!  ")
    created = result["booking"]
    assert result["payment"] is None
    assert created["status"] == "confirmed" and created["staff"] == "sara"
    assert created["start"] == "2027-03-30T10:00:00+02:00" and created["end"] == "2027-03-30T10:30:00+02:00"

    [stored] = items(Booking)
    assert stored.note == "  Känslig hud <3\nTack!  "  # verbatim
    [customer] = items(Customer)
    assert customer.email == "astrid@example.se" and customer.phone == "+46701234567"
    assert customer.marketing_email is False and customer.marketing_sms is False
    assert [k.customer_id for k in items(EmailKey)] == [customer.customer_id]
    locks = items(SlotLock)
    assert len(locks) == 3 and {lock.booking_id for lock in locks} == {created["id"]}
    assert items(MarketingConsent) == []  # nothing ticked, nothing recorded
    assert stored.expires_at == customer.expires_at and stored.expires_at.year == 2030  # 36 months after the visit

    [message] = outbox.emails_to("astrid@example.se")
    assert message["Subject"].startswith("Bokningsbekräftelse")
    assert manage_link(outbox)["b"] == created["id"]
    [record] = [m for m in items(Message) if m.purpose != "clinic_notice"]  # and the clinic's notices (back office)
    assert record.purpose == "confirmation" and record.booking_id == created["id"]


def test_the_manage_link_opens_moves_and_cancels_the_booking(api, outbox) -> None:
    created = book(api)["booking"]
    link = manage_link(outbox)
    token, booking_id = link["t"], link["b"]

    shown = get(api, f"/bookings/{booking_id}", token)
    assert shown.status_code == 200 and answer(shown)["booking"]["id"] == created["id"]

    moved = post(api, f"/bookings/{booking_id}/reschedule", {"start": at("2027-03-31", "14:00")}, token)
    assert moved.status_code == 200, moved.body
    assert answer(moved)["booking"]["start"] == "2027-03-31T14:00:00+02:00"
    assert at("2027-03-30", "10:00") in slots(api, "konsultation", "2027-03-30", "sara")  # the old time is free
    assert at("2027-03-31", "14:00") not in slots(api, "konsultation", "2027-03-31", "sara")
    assert {lock.sk for lock in items(SlotLock)} == {"2027-03-31T12:00Z", "2027-03-31T12:15Z", "2027-03-31T12:30Z"}
    assert any(m["Subject"].startswith("Ny tid") for m in outbox.emails())

    # The first link expires at the old start; the e-mail about the new time carries a fresh one.
    link = manage_link(outbox)
    cancelled = post(api, f"/bookings/{booking_id}/cancel", None, link["t"])
    assert cancelled.status_code == 200, cancelled.body
    assert answer(cancelled) == {"booking": {**answer(cancelled)["booking"], "status": "cancelled"}, "refund": None}
    assert items(SlotLock) == []  # freed in the same transaction
    assert at("2027-03-31", "14:00") in slots(api, "konsultation", "2027-03-31", "sara")
    assert any(m["Subject"].startswith("Avbokad") for m in outbox.emails())
    again = post(api, f"/bookings/{booking_id}/cancel", None, link["t"])
    assert again.status_code == 200 and answer(again)["booking"]["status"] == "cancelled"

    # Free at once: somebody else takes the same time.
    book(api, email="bo@example.se", start=at("2027-03-31", "14:00"))


def test_reschedule_into_a_partly_overlapping_time_keeps_the_shared_units(api, outbox) -> None:
    book(api)
    link = manage_link(outbox)
    moved = post(api, f"/bookings/{link['b']}/reschedule", {"start": at("2027-03-30", "10:15")}, link["t"])
    assert moved.status_code == 200, moved.body
    assert {lock.sk for lock in items(SlotLock)} == {"2027-03-30T08:15Z", "2027-03-30T08:30Z", "2027-03-30T08:45Z"}


def test_reschedule_to_a_taken_time_is_409_and_changes_nothing(api, outbox) -> None:
    book(api)
    book(api, email="bo@example.se", start=at("2027-03-30", "13:00"))
    link = manage_link(outbox)
    before = sorted((lock.pk, lock.sk, lock.booking_id) for lock in items(SlotLock))
    taken = post(api, f"/bookings/{link['b']}/reschedule", {"start": at("2027-03-30", "13:15"), "staff": "sara"}, link["t"])
    assert taken.status_code == 409 and answer(taken)["error"]["code"] == "slot_taken"
    assert sorted((lock.pk, lock.sk, lock.booking_id) for lock in items(SlotLock)) == before
    # Without a staff member named, another one who is free gets it.
    moved = post(api, f"/bookings/{link['b']}/reschedule", {"start": at("2027-03-30", "13:15")}, link["t"])
    assert moved.status_code == 200 and answer(moved)["booking"]["staff"] in ("anna", "elin")


def test_links_are_checked(api, outbox) -> None:
    first = book(api)["booking"]
    book(api, email="bo@example.se", start=at("2027-03-30", "13:00"))
    link = manage_link(outbox)
    other = manage_link(outbox, "bo@example.se")
    assert get(api, f"/bookings/{first['id']}").status_code == 401
    assert get(api, f"/bookings/{first['id']}", link["t"][:-2] + "xx").status_code == 401
    assert get(api, f"/bookings/{other['b']}", link["t"]).status_code == 404  # a valid link for another booking
    # Revoked: a new link generation ends every earlier link.
    [customer] = [c for c in items(Customer) if c.email == "astrid@example.se"]
    customer.update(actions=[Customer.link_generation.set(2)])
    assert get(api, f"/bookings/{first['id']}", link["t"]).status_code == 401


def test_too_late_to_change_online(api, outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    book(api)
    link = manage_link(outbox)
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-29T10:01:00+02:00")  # 23 h 59 min before
    late = post(api, f"/bookings/{link['b']}/cancel", None, link["t"])
    assert late.status_code == 409 and answer(late)["error"]["code"] == "too_late"
    late = post(api, f"/bookings/{link['b']}/reschedule", {"start": at("2027-03-31", "10:00")}, link["t"])
    assert late.status_code == 409 and answer(late)["error"]["code"] == "too_late"
    assert items(Booking)[0].status == "confirmed" and len(items(SlotLock)) == 3
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-29T09:59:00+02:00")
    assert post(api, f"/bookings/{link['b']}/cancel", None, link["t"]).status_code == 200


# --- one slot, one booking ---------------------------------------------------------------------------


def test_overlapping_treatments_of_different_lengths_are_refused_for_one_staff_member(api) -> None:
    book(api, service="ansiktsbehandling", start=at("2027-03-30", "10:00"), staff="sara")  # 60 min + buffer
    for start in ("09:30", "10:30", "11:00"):
        refused = post(api, "/bookings", body(service="kemisk-peeling", start=at("2027-03-30", start), staff="sara",
                                              email=f"p{start[:2]}@example.se"))
        assert refused.status_code == 409, (start, refused.body)
        assert answer(refused)["error"]["code"] == "slot_taken"
    book(api, service="kemisk-peeling", start=at("2027-03-30", "10:30"), staff="elin", email="e@example.se")
    book(api, service="konsultation", start=at("2027-03-30", "11:15"), staff="sara", email="s@example.se")
    assert len(items(Booking)) == 3


def test_any_staff_member_gets_the_next_free_one(api) -> None:
    start = at("2027-03-30", "10:00")
    staff = [book(api, staff=DROP, email=f"{i}@example.se", start=start)["booking"]["staff"] for i in range(3)]
    assert sorted(staff) == ["anna", "elin", "sara"]
    full = post(api, "/bookings", body(staff=DROP, email="x@example.se", start=start))
    assert full.status_code == 409 and answer(full)["error"]["code"] == "slot_taken"
    assert slots(api, "konsultation", "2027-03-30").get(start) is None


# --- availability --------------------------------------------------------------------------------------


def test_a_booking_across_the_autumn_change_is_held_at_its_real_instant(api, monkeypatch: pytest.MonkeyPatch) -> None:
    # The slots across both changes of 2027 are a rule: tests/unit/test_free_time_rules.py.
    monkeypatch.setenv("ALLAVIE_NOW", "2027-10-25T12:00:00+01:00")
    monday = list(slots(api, "konsultation", "2027-11-01"))
    assert monday[0] == "2027-11-01T09:00:00+01:00" and len(monday) == 35

    # A booking made across the change is held at its real instant.
    book(api, start="2027-11-01T09:00:00+01:00", email="n@example.se")
    assert [lock.sk for lock in items(SlotLock)][0] == "2027-11-01T08:00Z"
    assert "2027-11-01T09:00:00+01:00" not in slots(api, "konsultation", "2027-11-01", "sara")


def test_availability_range_rules(api) -> None:
    def fields(query: str) -> dict[str, str]:
        response = get(api, "/availability?" + query)
        assert response.status_code == 400, response.body
        return answer(response)["error"]["fields"]

    assert set(fields("service=konsultation&from=2027-03-21&to=2027-05-22")) == {"to"}   # 63 days
    assert get(api, "/availability?service=konsultation&from=2027-03-21&to=2027-05-21").status_code == 200
    assert set(fields("service=konsultation&from=2027-03-19&to=2027-03-25")) == {"from"}  # the past
    assert set(fields("service=konsultation&from=2027-03-25&to=2027-03-24")) == {"to"}
    assert set(fields("service=nope&from=2027-03-25&to=2027-03-26")) == {"service"}
    assert set(fields("service=konsultation&from=25/3&to=2027-03-26")) == {"from"}
    assert set(fields("service=konsultation")) == {"from", "to"}
    assert set(fields("service=ansiktsbehandling&from=2027-03-25&to=2027-03-26&staff=anna")) == {"staff"}


# --- bad input: 400 naming the field, nothing stored ------------------------------------------------------


BAD = [
    ({"service": DROP}, "service"), ({"service": 12}, "service"), ({"service": "hårtransplantation"}, "service"),
    ({"start": DROP}, "start"), ({"start": True}, "start"), ({"start": "30 mars 10:00"}, "start"),
    ({"start": at("2027-03-30", "10:05")}, "start"),          # not on the grid
    ({"start": at("2027-03-19", "10:00")}, "start"),          # past
    ({"start": at("2027-03-30", "07:00")}, "start"),          # outside hours
    ({"start": at("2027-03-30", "17:45")}, "start"),          # would end after closing
    ({"start": at("2027-03-28", "10:00")}, "start"),          # closed (Sunday)
    ({"start": "2027-03-20T13:00:00+01:00"}, "start"),        # within the notice
    ({"staff": "bob"}, "staff"), ({"staff": ["sara"]}, "staff"),
    ({"name": DROP}, "name"), ({"name": ""}, "name"), ({"name": 5}, "name"),
    ({"email": DROP}, "email"), ({"email": "astrid.example.se"}, "email"), ({"email": "a@b@c.se"}, "email"),
    ({"phone": DROP}, "phone"), ({"phone": "070-12"}, "phone"), ({"phone": "ring mig"}, "phone"),
    ({"note": "x" * 1001}, "note"), ({"note": 5}, "note"),
    ({"marketing": DROP}, "marketing"), ({"marketing": "yes"}, "marketing"),
    ({"marketing": {"email": 1, "sms": False}}, "marketing.email"),
    ({"age_confirmed": "ja"}, "age_confirmed"), ({"language": "fi"}, "language"), ({"admin": True}, "admin"),
    ({"service": "fillers-lappar", "staff": "anna", "start": at("2027-03-30", "10:00")}, "age_confirmed"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f"{f}-{i}" for i, (_, f) in enumerate(BAD)])
def test_bad_input_is_400_naming_the_field_and_stores_nothing(api, outbox, change, field) -> None:
    response = post(api, "/bookings", body(**change), language="en")
    assert response.status_code == 400, response.body
    error = answer(response)["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert error["message"] and all(error["fields"].values())
    assert items() == [] and outbox.emails() == []


@pytest.mark.parametrize(("raw", "field"), [
    ('{"service": "konsultation", ', "body"),
    ("[1, 2, 3]", "body"),
    ("", "body"),
    (json.dumps(body(note="x" * 20_000)), "body"),
    (json.dumps(body(name="y" * 1_000_000)), "body"),
])
def test_broken_or_huge_bodies(api, outbox, raw: str, field: str) -> None:
    response = post(api, "/bookings", raw)
    assert response.status_code == 400, response.body
    assert field in answer(response)["error"]["fields"]
    assert items() == [] and outbox.emails() == []


def test_swedish_error_messages_by_default(api) -> None:
    error = answer(post(api, "/bookings", body(email="nej")))["error"]
    assert error["fields"] == {"email": "Ogiltig e-postadress."}


# --- customers and consents ------------------------------------------------------------------------------


def test_a_returning_customer_is_found_by_the_normalised_address(api, outbox) -> None:
    first = book(api)
    second = book(api, email="  ASTRID@example.SE ", name="Astrid Lind-Berg", phone="+46 70 765 43 21",
                  start=at("2027-04-06", "10:00"), language="en")
    [customer] = items(Customer)
    # The language follows the latest booking; the stored name and phone are changed only from the
    # customer's own link (a booking form cannot prove who typed the address).
    assert customer.name == "Astrid Lind" and customer.phone == "+46701234567" and customer.language == "en"
    bookings = items(Booking)
    assert {b.booking_id for b in bookings} == {first["booking"]["id"], second["booking"]["id"]}
    assert {b.customer_id for b in bookings} == {customer.customer_id}
    assert len(items(EmailKey)) == 1
    # The expiry follows the latest visit, on every item of the customer.
    assert {i.expires_at for i in items() if i.pk == customer.pk} == {customer.expires_at}
    assert outbox.emails()[-1]["Subject"].startswith("Booking confirmed")


def test_marketing_ticked_is_a_request_per_channel_with_time_and_source(api) -> None:
    book(api, marketing={"email": True, "sms": False})
    [customer] = items(Customer)
    # Double opt-in: anybody can type anybody's address, so nothing is granted until the e-mail's link.
    assert customer.marketing_email is False and customer.marketing_sms is False
    [consent] = items(MarketingConsent)
    assert (consent.channel, consent.granted, consent.source, consent.state) == (
        "email", False, "booking_form", "awaiting_confirmation")
    assert consent.at == dt.datetime.fromisoformat(NOW)
    # A later booking with the boxes unticked asks nothing and changes nothing.
    book(api, start=at("2027-04-06", "10:00"))
    assert items(Customer)[0].marketing_email is False and len(items(MarketingConsent)) == 1


def test_age_limited_treatment_with_confirmation(api) -> None:
    created = book(api, service="laser-pigment", staff="anna", age_confirmed=True)["booking"]
    assert created["status"] == "awaiting_payment"  # 500 kr prepayment
    assert items(Booking)[0].age_confirmed is True


# --- prepayment holds ------------------------------------------------------------------------------------------


def test_an_unpaid_hold_lapses_and_a_paid_one_is_confirmed(api, outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    held = book(api, service="kemisk-peeling")
    assert held["booking"]["status"] == "awaiting_payment"
    assert held["payment"]["amount_sek"] == 300 and held["payment"]["client_secret"]  # payments' PaymentIntent
    assert items(Booking)[0].payment_intent_id
    assert not any(m["Subject"].startswith("Bokningsbekräftelse") for m in outbox.emails())  # not before payment
    assert held["booking"]["hold_until"] == "2027-03-20T12:15:00+01:00"
    assert at("2027-03-30", "10:00") not in slots(api, "kemisk-peeling", "2027-03-30", "sara")

    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:16:00+01:00")  # the hold has lapsed
    assert at("2027-03-30", "10:00") in slots(api, "kemisk-peeling", "2027-03-30", "sara")
    second = book(api, service="kemisk-peeling", email="bo@example.se")
    first_booking = next(b for b in items(Booking) if b.booking_id == held["booking"]["id"])
    now = dt.datetime.fromisoformat("2027-03-20T12:17:00+01:00")
    first_booking.update(actions=[Booking.payment_intent_id.set(first_booking.payment_intent_id or "pi_first")])
    lost = booking_module.confirm_payment(first_booking.customer_id, first_booking.booking_id,
                                          first_booking.payment_intent_id or "pi_first", 300, now)
    assert lost is None  # its time went to somebody else: payments refunds

    mine = next(b for b in items(Booking) if b.booking_id == second["booking"]["id"])
    intent = mine.payment_intent_id or "pi_second"
    mine.update(actions=[Booking.payment_intent_id.set(intent)])
    assert booking_module.confirm_payment(mine.customer_id, mine.booking_id, "pi_other", 300, now) is None
    confirmed = booking_module.confirm_payment(mine.customer_id, mine.booking_id, intent, 300, now)
    assert confirmed is not None and confirmed.status == "confirmed" and confirmed.paid_sek == 300
    locks = [lock for lock in items(SlotLock) if lock.booking_id == mine.booking_id]
    assert len(locks) == 4 and all(lock.hold_until is None for lock in locks)


# --- reminders ----------------------------------------------------------------------------------------------------


def remind(api) -> int:
    response = api.lambda_.invoke("send_reminders", api.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    return int(response.payload["sent"])


def test_reminders_go_once_24_hours_before_by_e_mail_or_sms(api, outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    book(api)                                                                   # 30 March 10:00, e-mail
    book(api, email="sms@example.se", start=at("2027-03-30", "09:00"), reminder="sms")
    book(api, email="later@example.se", start=at("2027-03-31", "10:00"))        # not yet
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-29T10:30:00+02:00")
    assert remind(api) == 2
    assert remind(api) == 0  # the next hour's run sends nothing twice
    reminders = [m for m in outbox.emails() if m["Subject"].startswith("Påminnelse")]
    assert [m["To"].addresses[0].addr_spec for m in reminders] == ["astrid@example.se"]
    [sms] = outbox.sms()
    assert sms.startswith("To: +46701234567\n") and "09:00" in sms and "Sluta få sms" in sms
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-30T10:30:00+02:00")
    assert remind(api) == 1  # the 31 March booking


def test_a_returning_customer_whose_links_were_revoked_gets_a_working_link(api, outbox) -> None:
    book(api)
    [customer] = items(Customer)
    customer.update(actions=[Customer.link_generation.set(5)])  # e.g. a new address was confirmed
    second = book(api, start=at("2027-04-06", "10:00"))["booking"]
    link = manage_link(outbox)
    assert link["b"] == second["id"]
    assert get(api, f"/bookings/{second['id']}", link["t"]).status_code == 200
    assert items(EmailKey)[0].link_generation == 5  # the key's copy caught up in the same transaction

    [key] = items(EmailKey)
    key.update(actions=[EmailKey.link_generation.remove()])  # a key written without the copy
    third = book(api, start=at("2027-04-07", "10:00"))["booking"]
    link = manage_link(outbox)
    assert link["b"] == third["id"] and get(api, f"/bookings/{third['id']}", link["t"]).status_code == 200
    assert len(items(Customer)) == 1
