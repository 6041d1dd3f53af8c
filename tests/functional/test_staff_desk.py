"""The back office at work (Chalice in process, DynamoDB Local, localstripe): the calendar, bookings
for callers, blocked time, outcomes, customers and their access log, notices to the clinic, the feed."""

from __future__ import annotations

import datetime as dt

import pytest
from chalicelib.store.models import AccessEntry, BlockMarker, Item
from support.booking_data import at, body
from support.staff import ANNA, SARA, call, sign_in

NOW = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Stockholm
DAY = "2027-03-30"  # a Tuesday


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    return client


@pytest.fixture()
def sara(api, outbox):
    return sign_in(api, outbox, SARA, NOW).session


@pytest.fixture()
def anna(api, outbox):
    return sign_in(api, outbox, ANNA, NOW).session


def visitor(api, **overrides) -> dict:
    status, made = call(api, "POST", "/bookings", body(**overrides))
    assert status == 201, made
    return made["booking"]


def free(api, day: str, staff: str = "sara", service: str = "konsultation") -> list[str]:
    status, found = call(api, "GET", f"/availability?service={service}&from={day}&to={day}&staff={staff}")
    assert status == 200, found
    return [s["start"] for s in found["slots"]]


def calendar(api, session: str, day: str = DAY, **params: str) -> dict:
    query = "&".join(f"{k}={v}" for k, v in {"from": day, "to": day, **params}.items())
    status, found = call(api, "GET", f"/staff/calendar?{query}", session=session)
    assert status == 200, found
    return found


def test_a_visitors_booking_is_on_the_calendar_with_what_the_desk_needs(api, sara, outbox) -> None:
    made = visitor(api, note="Allergisk mot <b>nötter</b>")
    found = calendar(api, sara)
    [shown] = found["bookings"]
    assert shown["id"] == made["id"] and shown["status"] == "confirmed" and shown["outcome"] is None
    assert shown["start"] == at(DAY, "10:00") and shown["staff"] == "sara" and shown["service"] == "konsultation"
    assert shown["customer"]["name"] == "Astrid Lind" and shown["customer"]["phone"] == "+46701234567"
    assert shown["customer"]["email"] == "astrid@example.se" and shown["note"] == "Allergisk mot <b>nötter</b>"
    assert shown["payment"]["state"] == "none" and found["blocks"] == []
    assert calendar(api, sara, staff="anna")["bookings"] == []
    # The clinic heard of it: the staff member and the clinic's address, with the customer's note.
    notices = outbox.emails_to(SARA) + outbox.emails_to("info@allavieclinic.com")
    assert len([m for m in notices if m["Subject"].startswith("Ny bokning")]) == 2
    assert "Allergisk mot <b>nötter</b>" in outbox.text(notices[-1])
    # At most 31 days, in order.
    assert call(api, "GET", "/staff/calendar?from=2027-03-01&to=2027-04-01", session=sara)[0] == 400
    assert call(api, "GET", "/staff/calendar?from=2027-03-02&to=2027-03-01", session=sara)[0] == 400
    assert len(calendar(api, sara, day="2027-03-01", to="2027-03-31")["bookings"]) == 1
    # Looking at the calendar is a look at the customer's data.
    [entry] = [i for i in Item.scan() if isinstance(i, AccessEntry)]
    assert entry.staff_id == "sara" and entry.what == "calendar" and entry.pk == f"CUST#{shown['customer']['id']}"


def test_a_caller_with_only_a_phone_is_booked_within_the_hour_and_told_by_sms(api, sara, outbox) -> None:
    soon = at("2027-03-22", "10:30")  # half an hour ahead: online booking needs 2 hours
    assert call(api, "POST", "/bookings", body(start=soon))[0] == 400
    status, made = call(api, "POST", "/staff/bookings", {
        "service": "kemisk-peeling", "start": soon, "staff": "sara", "name": "Berit Telefon", "phone": "070-555 12 34",
        "payment": "at_clinic", "note": "Ringde in"}, session=sara)
    assert status == 201, made
    assert made["booking"]["status"] == "confirmed" and made["booking"]["payment"]["state"] == "at_clinic"
    assert made["booking"]["booked_by"] == "sara" and made["customer"]["email"] is None and made["payment"] is None
    [sms] = outbox.sms()
    assert "To: +46705551234" in sms and "Kemisk peeling" in sms
    # The same phone, no address: the same customer next time.
    status, again = call(api, "POST", "/staff/bookings", {
        "service": "konsultation", "start": at(DAY, "13:00"), "staff": "sara", "name": "Berit",
        "phone": "+46705551234"}, session=sara)
    assert status == 201 and again["customer"]["id"] == made["customer"]["id"]
    # Staff and visitors share one calendar: the visitor cannot take the caller's time, nor the reverse.
    assert call(api, "POST", "/bookings", body(start=at(DAY, "13:00")))[1]["error"]["code"] == "slot_taken"
    visitor(api, start=at(DAY, "14:00"))
    status, refused = call(api, "POST", "/staff/bookings", {
        "service": "konsultation", "start": at(DAY, "14:15"), "staff": "sara", "name": "X", "phone": "0705551235"},
        session=sara)
    assert status == 409 and refused["error"]["code"] == "slot_taken"
    # Without an address a phone is needed; an online prepayment holds the time as a visitor's does.
    assert call(api, "POST", "/staff/bookings", {"service": "konsultation", "start": at(DAY, "15:00"), "name": "X"},
                session=sara)[1]["error"]["fields"].keys() == {"phone"}
    status, online = call(api, "POST", "/staff/bookings", {
        "service": "kemisk-peeling", "start": at(DAY, "16:00"), "staff": "sara", "name": "Cilla", "phone": "0705550000",
        "email": "cilla@example.se", "payment": "online"}, session=sara)
    assert status == 201 and online["booking"]["status"] == "awaiting_payment" and online["payment"]["client_secret"]


def test_a_block_hides_its_time_lists_the_bookings_in_it_and_overlapping_blocks_hold(api, sara, anna) -> None:
    before = visitor(api, start=at(DAY, "13:30"), email="fore@example.se")
    assert at(DAY, "14:30") in free(api, DAY)
    status, made = call(api, "POST", "/staff/blocks", {"staff": "sara", "start": at(DAY, "13:00"),
                                                       "end": at(DAY, "18:00"), "reason": "Sjuk"}, session=sara)
    assert status == 201, made
    assert [c["id"] for c in made["conflicts"]] == [before["id"]]  # listed at once, with the customer
    assert made["conflicts"][0]["customer"]["email"] == "fore@example.se"
    assert not [s for s in free(api, DAY) if s >= at(DAY, "13:00")]  # the afternoon is gone
    assert at(DAY, "12:00") in free(api, DAY)
    status, refused = call(api, "POST", "/bookings", body(start=at(DAY, "15:00")))
    assert status == 409 and refused["error"]["code"] == "slot_taken"
    assert call(api, "POST", "/staff/bookings", {"service": "konsultation", "start": at(DAY, "15:00"), "staff": "sara",
                                                 "name": "X", "phone": "0705551111"}, session=anna)[0] == 409
    # 12:30-13:00 fits (its cleaning buffer may run into the block); 12:45 does not.
    assert at(DAY, "12:30") in free(api, DAY) and at(DAY, "12:45") not in free(api, DAY)
    # One marker per unit within opening hours, naming the block.
    markers = [i for i in Item.scan() if isinstance(i, BlockMarker)]
    assert len(markers) == 20 and all(m.blocks == {made["block"]["id"]} for m in markers)
    # A second, overlapping block (a course 15-17): deleting the first keeps 15-17 blocked.
    status, second = call(api, "POST", "/staff/blocks", {"staff": "sara", "start": at(DAY, "15:00"),
                                                         "end": at(DAY, "17:00"), "reason": "Kurs"}, session=sara)
    assert status == 201 and second["conflicts"] == []
    assert call(api, "DELETE", f"/staff/blocks/{made['block']['id']}", session=sara)[0] == 204
    open_now = free(api, DAY)
    assert at(DAY, "14:30") in open_now and at(DAY, "15:00") not in open_now and at(DAY, "17:00") in open_now
    assert [b["reason"] for b in calendar(api, sara)["blocks"]] == ["Kurs"]
    assert call(api, "DELETE", f"/staff/blocks/{second['block']['id']}", session=sara)[0] == 204
    assert at(DAY, "15:00") in free(api, DAY) and [i for i in Item.scan() if isinstance(i, BlockMarker)] == []
    assert call(api, "DELETE", f"/staff/blocks/{second['block']['id']}", session=sara)[0] == 404
    # Bad input names the field.
    status, bad = call(api, "POST", "/staff/blocks", {"staff": "sara", "start": at(DAY, "15:00"),
                                                      "end": at(DAY, "14:00"), "reason": "x"}, session=sara)
    assert status == 400 and "end" in bad["error"]["fields"]


def test_conflicts_are_moved_to_a_colleague_or_cancelled_with_a_message(api, sara, outbox) -> None:
    moved = visitor(api, start=at(DAY, "13:00"), email="flytt@example.se")
    dropped = visitor(api, start=at(DAY, "14:00"), email="stryk@example.se")
    status, made = call(api, "POST", "/staff/blocks", {"staff": "sara", "start": at(DAY, "12:00"),
                                                       "end": at(DAY, "18:00"), "reason": "Sjuk"}, session=sara)
    assert [c["id"] for c in made["conflicts"]] == [moved["id"], dropped["id"]]
    status, answer = call(api, "POST", f"/staff/bookings/{moved['id']}/reschedule",
                          {"start": at(DAY, "13:00"), "staff": "elin"}, session=sara)
    assert status == 200 and answer["booking"]["staff"] == "elin"
    assert any(m["Subject"].startswith("Ny tid") for m in outbox.emails_to("flytt@example.se"))
    status, answer = call(api, "POST", f"/staff/bookings/{dropped['id']}/cancel",
                          {"refund": False, "message": "Sara är sjuk. Ring oss så bokar vi en ny tid."}, session=sara)
    assert status == 200 and answer["booking"]["status"] == "cancelled" and answer["refund"] is None
    mail = [m for m in outbox.emails_to("stryk@example.se") if m["Subject"].startswith("Avbokad")][-1]
    assert "Sara är sjuk. Ring oss så bokar vi en ny tid." in outbox.text(mail)
    # Moving back into the block is refused.
    assert call(api, "POST", f"/staff/bookings/{moved['id']}/reschedule", {"start": at(DAY, "13:00"), "staff": "sara"},
                session=sara)[0] == 409
    assert call(api, "POST", "/staff/bookings/0000000000000000/cancel", {"refund": False}, session=sara)[0] == 404


def later(api, outbox, monkeypatch, moment: str) -> str:
    """Move the clock (sessions last 8 hours) and sign Sara in again then."""
    monkeypatch.setenv("ALLAVIE_NOW", moment)
    secret = next(i for i in Item.scan() if i.pk == "STAFF#sara" and i.sk == "ACCOUNT").nonce
    from chalicelib.staff import totp

    return sign_in(api, outbox, SARA, dt.datetime.fromisoformat(moment), secret=totp.secret_for("sara", secret)).session


def test_staff_change_and_cancel_without_the_customers_deadline(api, sara, outbox, monkeypatch) -> None:
    made = visitor(api)
    sara_now = later(api, outbox, monkeypatch, "2027-03-30T09:30:00+02:00")  # half an hour before: too late online
    status, moved = call(api, "POST", f"/staff/bookings/{made['id']}/reschedule", {"start": at(DAY, "11:00")},
                         session=sara_now)
    assert status == 200 and moved["booking"]["start"] == at(DAY, "11:00")
    status, done = call(api, "POST", f"/staff/bookings/{made['id']}/cancel", {"refund": True}, session=sara_now)
    assert status == 200 and done["booking"]["status"] == "cancelled"
    assert call(api, "POST", f"/staff/bookings/{made['id']}/cancel", {}, session=sara_now)[1]["error"]["fields"] == {
        "refund": "Obligatoriskt fält."}


def test_outcomes_after_the_start_and_a_no_show_is_shown_next_time(api, sara, outbox, monkeypatch) -> None:
    made = visitor(api)
    status, early = call(api, "POST", f"/staff/bookings/{made['id']}/outcome", {"outcome": "no_show"}, session=sara)
    assert status == 409 and early["error"]["code"] == "too_early"
    sara = later(api, outbox, monkeypatch, "2027-03-30T10:05:00+02:00")
    status, marked = call(api, "POST", f"/staff/bookings/{made['id']}/outcome", {"outcome": "no_show"}, session=sara)
    assert status == 200 and marked["booking"]["outcome"] == "no_show" and marked["booking"]["status"] == "no_show"
    assert marked["booking"]["customer"]["no_shows"] == 1
    assert call(api, "POST", f"/staff/bookings/{made['id']}/outcome", {"outcome": "late"}, session=sara)[0] == 400
    status, booked = call(api, "POST", "/staff/bookings", {**body(start=at("2027-04-06", "10:00")),
                                                           "payment": "at_clinic"}, session=sara)
    assert status == 201 and booked["customer"]["no_shows"] == 1  # the desk sees it when booking again
    # Corrected: the count follows.
    status, fixed = call(api, "POST", f"/staff/bookings/{made['id']}/outcome", {"outcome": "completed"}, session=sara)
    assert status == 200 and fixed["booking"]["customer"]["no_shows"] == 0 and fixed["booking"]["status"] == "completed"


def test_customers_are_found_opened_and_every_look_is_in_their_export(api, sara, anna, outbox) -> None:
    visitor(api, name="Åsa Öberg", email="asa.oberg@example.se", phone="070-987 65 43", note="Ring före")
    visitor(api, name="Bo Ek", email="bo@example.se", phone="070-111 11 11", start=at(DAY, "11:00"))
    for query in ("asa", "ÖBERG", "åsa ö", "asa.oberg@", "0709876", "+46 70 987"):
        status, found = call(api, "GET", f"/staff/customers?q={query}", session=sara)
        assert status == 200 and [c["name"] for c in found["customers"]] == ["Åsa Öberg"], query
    assert call(api, "GET", "/staff/customers?q=a", session=sara)[0] == 400
    [person] = call(api, "GET", "/staff/customers?q=asa", session=sara)[1]["customers"]
    status, shown = call(api, "GET", f"/staff/customers/{person['id']}", session=sara)
    assert status == 200 and shown["customer"]["email"] == "asa.oberg@example.se"
    assert [n["text"] for n in shown["notes"]] == ["Ring före"] and len(shown["bookings"]) == 1
    assert shown["marketing"] == {"email": False, "sms": False}
    assert call(api, "GET", "/staff/customers/ffffffffffffffffffff", session=sara)[0] == 404
    # The admin reads the log; the customer's own export lists it.
    status, log = call(api, "GET", f"/staff/access-log?customer={person['id']}", session=anna)
    assert status == 200
    assert {(e["staff"], e["what"]) for e in log["entries"]} == {("sara", "search"), ("sara", "customer")}
    assert all(e["customer"] == person["id"] for e in log["entries"])
    link = next(link for link in outbox.links(outbox.emails_to("asa.oberg@example.se")[-1]) if "/mina-uppgifter/" in link)
    token = dict(p.split("=", 1) for p in link.split("#", 1)[1].split("&"))["t"]
    status, document = call(api, "GET", "/me/export", session=token)
    assert status == 200
    assert {(e["staff"], e["staff_name"], e["what"]) for e in document["access_log"]} == {
        ("sara", "Sara Berg", "search"), ("sara", "Sara Berg", "customer")}
    assert all(e["at"].startswith("2027-03-22T10:00") for e in document["access_log"])
    # A staff member's export leaves out the admins' access log (an admin's answers a request by phone);
    # only an admin erases, and the log goes too.
    status, exported = call(api, "GET", f"/staff/customers/{person['id']}/export", session=sara)
    assert status == 200 and exported["customer"]["email"] == "asa.oberg@example.se" and "access_log" not in exported
    assert call(api, "POST", f"/staff/customers/{person['id']}/erase", session=sara)[0] == 403
    status, erased = call(api, "POST", f"/staff/customers/{person['id']}/erase", session=anna)
    assert status == 200 and erased["erased"]
    assert not [i for i in Item.scan() if i.pk == f"CUST#{person['id']}"]
    assert call(api, "GET", "/staff/customers?q=asa", session=sara)[1]["customers"] == []


def test_the_private_feed_carries_treatment_and_first_name_only(api, sara) -> None:
    visitor(api, name="Astrid Lind", note="Hemligt", start=at("2027-03-23", "10:00"))
    status, feed = call(api, "GET", "/staff/feed", session=sara)
    assert status == 200 and feed["url"].endswith(".ics")
    path = "/" + feed["url"].split("/", 3)[3]
    assert call(api, "GET", "/staff/feed", session=sara)[1] == feed  # the same until renewed
    status, text = call(api, "GET", path)
    assert status == 200 and "BEGIN:VCALENDAR" in text and "SUMMARY:Hudkonsultation – Astrid" in text
    for secret in ("Lind", "astrid@example.se", "46701234567", "Hemligt"):
        assert secret not in text
    status, renewed = call(api, "POST", "/staff/feed/renew", session=sara)
    assert status == 200 and renewed["url"] != feed["url"]
    assert call(api, "GET", path)[0] == 404
    assert call(api, "GET", "/" + renewed["url"].split("/", 3)[3])[0] == 200
    assert call(api, "GET", "/staff/feed/" + "0" * 64 + ".ics")[0] == 404
    assert call(api, "GET", "/staff/feed/nokey.ics")[0] == 404


def test_a_regulated_treatment_is_completed_only_after_a_licensed_practitioner_confirms(api, outbox, monkeypatch,
                                                                                         stripe_url) -> None:
    from support.injections import CONSULTATION, FILLER, pay
    from support.injections import NOW as INJECTIONS_NOW
    from support.injections import book as book_regulated

    monkeypatch.setenv("ALLAVIE_NOW", INJECTIONS_NOW)
    book_regulated(api, CONSULTATION, "2027-04-05", "10:00")
    treatment = book_regulated(api, FILLER, "2027-04-07", "10:00")
    pay(api, stripe_url, treatment["id"])
    moment = "2027-04-07T10:05:00+02:00"
    monkeypatch.setenv("ALLAVIE_NOW", moment)
    sara = sign_in(api, outbox, SARA, dt.datetime.fromisoformat(moment)).session
    anna = sign_in(api, outbox, ANNA, dt.datetime.fromisoformat(moment)).session
    path = f"/staff/bookings/{treatment['id']}"
    status, refused = call(api, "POST", f"{path}/outcome", {"outcome": "completed"}, session=anna)
    assert status == 409 and refused["error"]["code"] == "confirmation_required"
    both = {"age_checked": True, "consent_after_betanketid": True}
    status, body = call(api, "POST", f"{path}/confirmations", both, session=sara)
    assert status == 403 and body["error"]["code"] == "licence_required"  # Sara holds no licence
    status, body = call(api, "POST", f"{path}/confirmations", {**both, "age_checked": False}, session=anna)
    assert status == 400 and "age_checked" in body["error"]["fields"]
    status, body = call(api, "POST", f"{path}/confirmations", both, session=anna)
    assert status == 200, body
    status, done = call(api, "POST", f"{path}/outcome", {"outcome": "completed"}, session=anna)
    assert status == 200 and done["booking"]["status"] == "completed"
