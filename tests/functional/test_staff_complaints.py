"""The clinic's side of complaints and photos through the API (Chalice in process, DynamoDB Local,
localstripe, moto's S3): a complaint filed from a booking's link after the visit is listed for the
staff, answered (the answer reaches the customer's outbox with a link to reply), replied to from that
link, and closed by an admin with a refund in part (through the payment rules: a ledger row and a
credit receipt); the customer's retention date moves to 36 months after the closing. Every list,
answer and photo view is in the access log, and the customer's export shows it."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import requests
from allavie.local import s3_server
from chalicelib.core.clock import end_of_day
from chalicelib.payments import ledger, receipts
from chalicelib.store.models import AccessEntry, Complaint, Customer, Item
from support import photos
from support.booking_data import answer, at, body, fragment, get, post
from support.receipts import paid_booking
from support.staff import ANNA, SARA, call, sign_in

BOOKED = "2027-03-20T12:00:00+01:00"
VISIT = "2027-03-30"
AFTER_VISIT = "2027-03-30T11:00:00+02:00"
FILED = "2027-04-02T09:00:00+02:00"
ANSWERED = "2027-04-05T10:00:00+02:00"
REPLIED = "2027-04-06T08:00:00+02:00"
CLOSED = "2027-05-10T15:00:00+02:00"
UNKNOWN = "0123456789abcdef"


class Desk:
    """Staff signing in at the API's clock (a session lasts 8 hours; the story spans weeks)."""

    def __init__(self, client, outbox, monkeypatch) -> None:
        self.client, self.outbox, self.monkeypatch = client, outbox, monkeypatch
        self.secrets: dict[str, str] = {}

    def at(self, moment: str, address: str) -> str:
        self.monkeypatch.setenv("ALLAVIE_NOW", moment)
        signed = sign_in(self.client, self.outbox, address, dt.datetime.fromisoformat(moment),
                         self.secrets.get(address))
        self.secrets[address] = signed.secret
        return signed.session


def data_link(client, outbox, address: str) -> str:
    assert post(client, "/links", {"email": address}).status_code == 202
    mail = outbox.emails_to(address)[-1]
    return fragment(next(u for u in outbox.links(mail) if "/mina-uppgifter/#" in u))["t"]


def profile(email: str) -> Customer:
    return next(i for i in Item.scan(consistent_read=True) if isinstance(i, Customer) and i.email == email)


def looks(customer_id: str, what: str) -> list[AccessEntry]:
    return [i for i in Item.scan(consistent_read=True)
            if isinstance(i, AccessEntry) and i.pk == f"CUST#{customer_id}" and i.what == what]


def refunds_of(booking_id: str, moment: str) -> list[int]:
    rows = ledger.for_booking(booking_id, dt.datetime.fromisoformat(moment))
    return [row.amount_ore for row in rows if row.entry_type == "refund"]


@pytest.fixture()
def desk(client, outbox, monkeypatch) -> Desk:
    return Desk(client, outbox, monkeypatch)


@pytest.fixture()
def visits(client, monkeypatch, outbox, desk, stripe_url):
    """Astrid (a peel, 300 kr prepaid through Stripe and its webhook: receipted) and Bo (a consultation) booked on
    20 March for 30 March; Sara marked both visits completed."""
    monkeypatch.setenv("ALLAVIE_NOW", BOOKED)
    astrid = paid_booking(client, stripe_url)
    bo = post(client, "/bookings", body(start=at(VISIT, "10:00"), staff="anna", name="Bo Berg", email="bo@example.se",
                                        phone="070-765 43 21"))
    assert bo.status_code == 201, bo.body
    ids = astrid.booking_id, answer(bo)["booking"]["id"]
    sara = desk.at(AFTER_VISIT, SARA)
    for booking_id in ids:
        status, marked = call(client, "POST", f"/staff/bookings/{booking_id}/outcome", {"outcome": "completed"},
                              session=sara)
        assert status == 200 and marked["booking"]["outcome"] == "completed", marked
    return ids


def test_a_complaint_is_listed_answered_replied_to_and_closed_with_a_refund_in_part(
        client, visits, desk, outbox, monkeypatch) -> None:
    astrid_booking, bo_booking = visits
    monkeypatch.setenv("ALLAVIE_NOW", FILED)
    astrid_link, bo_link = data_link(client, outbox, "astrid@example.se"), data_link(client, outbox, "bo@example.se")
    words = "Huden flagnar fortfarande.\n<img src=x onerror=alert(1)>"
    filed = post(client, f"/bookings/{astrid_booking}/complaints", {"text": words}, astrid_link)
    assert filed.status_code == 201, filed.body
    complaint_id = answer(filed)["complaint"]["id"]
    other = answer(post(client, f"/bookings/{bo_booking}/complaints", {"text": "Ojämnt."}, bo_link))["complaint"]["id"]
    astrid = profile("astrid@example.se")
    assert astrid.expires_at == end_of_day(dt.date(2030, 4, 2))  # 36 months after the visit's latest activity

    # Anna closes Bo's at once ("resolved"): it is no longer among the open ones.
    anna = desk.at(ANSWERED, ANNA)
    status, closed_bo = call(client, "POST", f"/staff/complaints/{other}/reply",
                             {"text": "Vi ringde dig.", "close": {"outcome": "resolved"}}, session=anna)
    assert status == 200 and closed_bo["complaint"]["status"] == "closed", closed_bo

    # Sara lists the open complaints: Astrid's, with the thread, who and which visit, what was paid.
    sara = desk.at(ANSWERED, SARA)
    status, listed = call(client, "GET", "/staff/complaints?status=open", session=sara)
    assert status == 200, listed
    [shown] = listed["complaints"]
    assert (shown["id"], shown["booking"], shown["customer"], shown["status"]) == (
        complaint_id, astrid_booking, astrid.customer_id, "open")
    assert shown["text"] == words and [m["author"] for m in shown["messages"]] == ["customer"]
    assert shown["customer_detail"]["name"] == "Astrid Lind"
    assert shown["booking_detail"]["paid_sek"] == 300 and shown["booking_detail"]["service_name"] == "Kemisk peeling"
    assert call(client, "GET", "/staff/complaints", session=sara)[1] == listed  # open is the default
    status, closed = call(client, "GET", "/staff/complaints?status=closed", session=sara)
    assert status == 200 and [c["id"] for c in closed["complaints"]] == [other]
    assert closed["complaints"][0]["outcome"] == "resolved"
    # Listing is a look at each listed customer's data.
    assert [e.views for e in looks(astrid.customer_id, "complaints")] == [2]

    # Sara answers: the customer's outbox has it, with a link to the booking's manage page.
    status, answered = call(client, "POST", f"/staff/complaints/{complaint_id}/reply",
                            {"text": "Vi beklagar! Kom in på fredag så tittar vi."}, session=sara)
    assert status == 200 and answered["complaint"]["status"] == "open", answered
    assert answered["complaint"]["messages"][-1] == {"author": "staff", "staff": "sara",
                                                     "text": "Vi beklagar! Kom in på fredag så tittar vi.",
                                                     "at": answered["complaint"]["messages"][-1]["at"]}
    mail = outbox.emails_to("astrid@example.se")[-1]
    assert mail["Subject"] == "Svar på din reklamation"
    assert "Vi beklagar! Kom in på fredag så tittar vi." in outbox.text(mail)
    reply_link = fragment(next(u for u in outbox.links(mail) if "/hantera/#" in u))
    assert reply_link["b"] == astrid_booking

    # Astrid replies from the link.
    monkeypatch.setenv("ALLAVIE_NOW", REPLIED)
    replied = post(client, f"/bookings/{astrid_booking}/complaints/{complaint_id}/messages",
                   {"text": "Jag vill hellre ha en del av pengarna tillbaka."}, reply_link["t"])
    assert replied.status_code == 200, replied.body

    # Sara (staff) may not refund; nothing changes.
    sara = desk.at(CLOSED, SARA)
    refund = {"text": "Vi betalar tillbaka 200 kr.", "close": {"outcome": "partial_refund", "refund_sek": 200}}
    status, refused = call(client, "POST", f"/staff/complaints/{complaint_id}/reply", refund, session=sara)
    assert status == 403 and refused["error"]["code"] == "forbidden"
    assert refunds_of(astrid_booking, CLOSED) == []

    # Anna (admin) closes it with 200 kr back: the payment rules, the ledger, a credit receipt.
    anna = desk.at(CLOSED, ANNA)
    status, done = call(client, "POST", f"/staff/complaints/{complaint_id}/reply", refund, session=anna)
    assert status == 200, done
    assert done["refund"] == {"amount_sek": 200, "status": "succeeded"}
    assert (done["complaint"]["status"], done["complaint"]["outcome"], done["complaint"]["refund_sek"]) == (
        "closed", "partial_refund", 200)
    assert [m["author"] for m in done["complaint"]["messages"]] == ["customer", "staff", "customer", "staff"]
    now = dt.datetime.fromisoformat(CLOSED)
    assert refunds_of(astrid_booking, CLOSED) == [-20000]
    credit = [r for r in receipts.for_booking(astrid_booking, now) if r.receipt_type == "credit"]
    [original] = [r for r in receipts.for_booking(astrid_booking, now) if r.receipt_type == "receipt"]
    assert [(r.amount_ore, r.credits_number) for r in credit] == [(-20000, original.number)]
    [closed_mail] = [m for m in outbox.emails_to("astrid@example.se") if m["Subject"] == "Din reklamation är avslutad"]
    assert "Återbetalning: 200 kr" in outbox.text(closed_mail)
    assert call(client, "GET", "/staff/complaints?status=open", session=anna)[1] == {"complaints": []}

    # Closed on 10 May 2027, later than the visit: kept until 36 months after the closing.
    assert profile("astrid@example.se").expires_at == end_of_day(dt.date(2030, 5, 10))
    stored = next(i for i in Item.scan(consistent_read=True) if isinstance(i, Complaint)
                  and i.complaint_id == complaint_id)
    assert stored.expires_at == end_of_day(dt.date(2030, 5, 10))

    # A second click refunds nothing: the complaint is closed.
    status, again = call(client, "POST", f"/staff/complaints/{complaint_id}/reply", refund, session=anna)
    assert status == 409 and again["error"]["code"] == "complaint_changed"
    assert refunds_of(astrid_booking, CLOSED) == [-20000]
    assert ledger.booking_balance(astrid_booking, now) == 30000 - 20000

    # The customer's export lists the clinic's looks at the complaint.
    monkeypatch.setenv("ALLAVIE_NOW", CLOSED)
    exported = answer(get(client, "/me/export", data_link(client, outbox, "astrid@example.se")))
    assert {(e["staff"], e["what"]) for e in exported["access_log"]} >= {("sara", "complaints"), ("anna", "complaints")}


def test_the_complaint_routes_refuse_what_they_should(client, visits, desk, outbox, monkeypatch) -> None:
    astrid_booking, _ = visits
    monkeypatch.setenv("ALLAVIE_NOW", FILED)
    token = data_link(client, outbox, "astrid@example.se")
    complaint_id = answer(post(client, f"/bookings/{astrid_booking}/complaints", {"text": "Rodnad."}, token))[
        "complaint"]["id"]
    sara = desk.at(ANSWERED, SARA)
    path = f"/staff/complaints/{complaint_id}/reply"

    # 401 without a session or with a bad one.
    assert call(client, "GET", "/staff/complaints")[0] == 401
    assert call(client, "GET", "/staff/complaints", session="x" * 43)[0] == 401
    assert call(client, "POST", path, {"text": "Hej"})[0] == 401

    # 400 naming the field.
    for query, fields in (("status=all", {"status": "Ogiltigt värde."}), ("state=open", {"state": "Okänt fält."})):
        status, refused = call(client, "GET", f"/staff/complaints?{query}", session=sara)
        assert status == 400 and refused["error"]["fields"] == fields, refused
    for data, named in (
        ({}, {"text"}),
        ({"text": ""}, {"text"}),
        ({"text": "Hej", "extra": 1}, {"extra"}),
        ({"text": "Hej", "close": "rejected"}, {"close"}),
        ({"text": "Hej", "close": {"outcome": "refund_all"}}, {"close.outcome"}),
        ({"text": "Hej", "close": {}}, {"close.outcome"}),
        ({"text": "Hej", "close": {"outcome": "rejected"}}, {"close.reason"}),
        ({"text": "Hej", "close": {"outcome": "partial_refund"}}, {"close.refund_sek"}),
        ({"text": "Hej", "close": {"outcome": "partial_refund", "refund_sek": -5}}, {"close.refund_sek"}),
        ({"text": "Hej", "close": {"outcome": "partial_refund", "refund_sek": "200"}}, {"close.refund_sek"}),
        ({"text": "Hej", "close": {"outcome": "redone", "refund_sek": 100}}, {"close.refund_sek"}),
        ({"text": "Hej", "close": {"outcome": "redone", "who": "me"}}, {"close.who"}),
    ):
        status, refused = call(client, "POST", path, data, session=sara)
        assert status == 400 and set(refused["error"]["fields"]) == named, (data, refused)
    status, english = call(client, "POST", path, {"text": "Hej", "close": {"outcome": "rejected"}}, session=sara,
                           language="en")
    assert english["error"]["fields"] == {"close.reason": "This field is required."}

    # 404 for an unknown or malformed id.
    assert call(client, "POST", f"/staff/complaints/{UNKNOWN}/reply", {"text": "Hej"}, session=sara)[0] == 404
    assert call(client, "POST", "/staff/complaints/..%2F/reply", {"text": "Hej"}, session=sara)[0] == 404

    # Nothing of that changed the complaint or reached the customer.
    stored = next(i for i in Item.scan(consistent_read=True) if isinstance(i, Complaint))
    assert stored.status == "open" and len(stored.messages) == 1
    assert outbox.emails_to("astrid@example.se")[-1]["Subject"] == "Vi har tagit emot din reklamation"

    # A rejection with its reason, by staff: closed, the reason in the customer's e-mail.
    status, done = call(client, "POST", path, {"text": "Vi har gått igenom ärendet.", "close": {
        "outcome": "rejected", "reason": "Rodnad några dagar är en normal följd av behandlingen."}}, session=sara)
    assert status == 200 and done["complaint"]["outcome"] == "rejected", done
    assert "Rodnad några dagar är en normal följd" in outbox.text(outbox.emails_to("astrid@example.se")[-1])


def test_the_clinics_view_of_a_bookings_photos_is_in_the_access_log_and_the_export(
        client, visits, desk, outbox, monkeypatch) -> None:
    astrid_booking, bo_booking = visits
    monkeypatch.setenv("ALLAVIE_NOW", FILED)
    token = data_link(client, outbox, "astrid@example.se")
    jpeg = photos.jpeg_with_gps()
    asked = post(client, f"/bookings/{astrid_booking}/photos", {"content_type": "image/jpeg", "size": len(jpeg)}, token)
    assert asked.status_code == 201, asked.body
    assert photos.upload(answer(asked), jpeg) == 204
    assert s3_server.process_pending(os.environ["S3_ENDPOINT"],
                                     handler=lambda event: client.lambda_.invoke("process_photo", event)) == 1
    astrid = profile("astrid@example.se")

    sara = desk.at(ANSWERED, SARA)
    assert call(client, "GET", f"/staff/bookings/{astrid_booking}/photos")[0] == 401
    assert call(client, "GET", f"/staff/bookings/{UNKNOWN}/photos", session=sara)[0] == 404
    assert looks(astrid.customer_id, "photos") == []
    status, opened = call(client, "GET", f"/staff/bookings/{astrid_booking}", session=sara)
    assert status == 200 and opened["booking"]["photos"] == 1
    assert looks(astrid.customer_id, "photos") == []  # the count is no look at the photos themselves
    for _ in range(2):
        status, shown = call(client, "GET", f"/staff/bookings/{astrid_booking}/photos", session=sara)
        assert status == 200, shown
        [photo] = shown["photos"]
        assert photo["id"] == answer(asked)["photo"]["id"] and photo["uploaded_at"].startswith("2027-04-02")
        assert "X-Amz-Expires=300" in photo["url"]  # a five-minute link
        assert photos.metadata_of(requests.get(photo["url"], timeout=10).content)["gps"] == {}
    [entry] = looks(astrid.customer_id, "photos")
    assert (entry.staff_id, entry.views) == ("sara", 2)
    status, none = call(client, "GET", f"/staff/bookings/{bo_booking}/photos", session=sara)
    assert status == 200 and none == {"photos": []}

    monkeypatch.setenv("ALLAVIE_NOW", ANSWERED)
    exported = answer(get(client, "/me/export", data_link(client, outbox, "astrid@example.se")))
    assert [(e["staff"], e["views"]) for e in exported["access_log"] if e["what"] == "photos"] == [("sara", 2)]
