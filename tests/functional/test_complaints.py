"""Complaints (reklamation) against the local servers: filed from a booking's link once the visit has
taken place, answered by the clinic (the answer reaches the customer's outbox with a link to reply),
closed with an outcome; a partial refund goes through the payment's claim and the ledger; and the
customer's retention date moves to 36 months after the complaint is closed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from chalicelib.complaints import clinic as complaints
from chalicelib.complaints import customer as filing
from chalicelib.core.clock import end_of_day
from chalicelib.core.errors import ApiError
from chalicelib.payments import gateway, ledger, refunds
from chalicelib.store import tx
from chalicelib.store.models import Booking, Complaint, Customer, Item, Message
from support.booking_data import answer, at, body, fragment, get, post
from support.payments import pay

BOOKED = "2027-03-20T12:00:00+01:00"
VISIT = "2027-03-30"


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def link(outbox, address: str, page: str) -> dict[str, str]:
    mail = outbox.emails_to(address)[-1]
    return fragment(next(url for url in outbox.links(mail) if f"/{page}/#" in url))


def profile() -> Customer:
    return next(i for i in Item.scan(consistent_read=True) if isinstance(i, Customer))


@pytest.fixture()
def visited(client, monkeypatch, outbox):
    """Astrid booked on 20 March for 30 March; it is 2 April, and she asks for a new link (the booking's link
    ended when the appointment began)."""
    monkeypatch.setenv("ALLAVIE_NOW", BOOKED)
    made = post(client, "/bookings", body(start=at(VISIT, "10:00")))
    assert made.status_code == 201, made.body
    booking_id = answer(made)["booking"]["id"]
    early = link(outbox, "astrid@example.se", "hantera")["t"]
    too_soon = post(client, f"/bookings/{booking_id}/complaints", {"text": "Rodnad"}, early)
    assert too_soon.status_code == 409 and answer(too_soon)["error"]["code"] == "not_taken_place"
    monkeypatch.setenv("ALLAVIE_NOW", "2027-04-02T09:00:00+02:00")
    assert post(client, "/links", {"email": "astrid@example.se"}).status_code == 202
    return link(outbox, "astrid@example.se", "mina-uppgifter")["t"], booking_id


def test_a_complaint_is_filed_answered_replied_to_and_closed_and_moves_the_retention_date(
        client, visited, outbox, monkeypatch) -> None:
    token, booking_id = visited
    assert profile().expires_at == end_of_day(dt.date(2030, 3, 30))  # 36 months after the visit

    words = "Huden blev röd och svullen efter peelingen.\n<b>Fortfarande</b> irriterad."
    filed = post(client, f"/bookings/{booking_id}/complaints", {"text": words}, token)
    assert filed.status_code == 201, filed.body
    complaint = answer(filed)["complaint"]
    assert complaint["status"] == "open" and complaint["text"] == words
    receipt = outbox.emails_to("astrid@example.se")[-1]
    assert receipt["Subject"] == "Vi har tagit emot din reklamation"
    assert "<b>Fortfarande</b>" not in receipt.get_body(("html",)).get_content()  # escaped, never markup
    assert profile().expires_at == end_of_day(dt.date(2030, 4, 2))  # an open complaint counts from its latest message
    second = post(client, f"/bookings/{booking_id}/complaints", {"text": "Igen"}, token)
    assert second.status_code == 409 and answer(second)["error"]["code"] == "complaint_open"

    # the clinic sees it among the open ones and answers
    now = moment("2027-04-05T10:00:00+02:00")
    assert [c.complaint_id for c in complaints.listing("open", now)] == [complaint["id"]]
    complaints.reply("sara", complaint["id"], "Vi beklagar! Kom in så tittar vi på huden.", None, now)
    answer_mail = outbox.emails_to("astrid@example.se")[-1]
    assert answer_mail["Subject"] == "Svar på din reklamation"
    assert "Vi beklagar! Kom in så tittar vi på huden." in outbox.text(answer_mail)
    reply_link = link(outbox, "astrid@example.se", "hantera")
    assert reply_link["b"] == booking_id

    # the customer replies from the e-mail's link
    monkeypatch.setenv("ALLAVIE_NOW", "2027-04-06T08:00:00+02:00")
    replied = post(client, f"/bookings/{booking_id}/complaints/{complaint['id']}/messages",
                   {"text": "Tack, jag kommer på fredag."}, reply_link["t"])
    assert replied.status_code == 200, replied.body
    thread = answer(get(client, f"/bookings/{booking_id}/complaints", reply_link["t"]))
    assert [m["author"] for m in thread["complaints"][0]["messages"]] == ["customer", "staff", "customer"]
    assert "staff" not in thread["complaints"][0]["messages"][1]  # the customer does not see staff ids

    # closed with an outcome on 10 May: kept 36 months after that
    closed_at = moment("2027-05-10T15:00:00+02:00")
    closing = complaints.check_closing("rejected", "Reaktionen är en normal följd av behandlingen.", None)
    complaints.reply("anna", complaint["id"], "Vi har gått igenom ärendet.", closing, closed_at)
    closed_mail = outbox.emails_to("astrid@example.se")[-1]
    assert closed_mail["Subject"] == "Din reklamation är avslutad"
    assert "Reaktionen är en normal följd av behandlingen." in outbox.text(closed_mail)
    assert complaints.listing("open", closed_at) == []
    assert [c.outcome for c in complaints.listing("closed", closed_at)] == ["rejected"]
    assert profile().expires_at == end_of_day(dt.date(2030, 5, 10))
    stored = next(i for i in Item.scan(consistent_read=True) if isinstance(i, Complaint))
    assert stored.expires_at == profile().expires_at
    late = post(client, f"/bookings/{booking_id}/complaints/{complaint['id']}/messages", {"text": "Men?"},
                reply_link["t"])
    assert late.status_code == 409 and answer(late)["error"]["code"] == "complaint_closed"

    # in the export, with its whole thread
    exported = answer(get(client, "/me/export", reply_link["t"]))
    assert [len(c["messages"]) for c in exported["complaints"]] == [4]
    assert exported["complaints"][0]["outcome"] == "rejected"


def test_a_complaint_about_a_cancelled_booking_or_with_bad_text_is_refused(client, visited) -> None:
    token, booking_id = visited
    for bad, field in (({"text": ""}, "Obligatoriskt fält."), ({"text": "x" * 4001}, "För lång text."),
                       ({"text": 5}, "Fel typ av värde."), ({"text": "a\u202eb"}, "Ogiltigt värde.")):
        refused = post(client, f"/bookings/{booking_id}/complaints", bad, token)
        assert refused.status_code == 400 and answer(refused)["error"]["fields"] == {"text": field}
    assert not [i for i in Item.scan() if isinstance(i, Complaint)]
    other = "0123456789abcdef"
    assert post(client, f"/bookings/{other}/complaints", {"text": "x"}, token).status_code == 404


def _paid(booking_id: str, amount_sek: int, stripe_url: str) -> Booking:
    """Make the (free) consultation a prepaid booking, as a paid treatment's webhook leaves it."""
    booking = next(i for i in Item.scan(consistent_read=True) if isinstance(i, Booking) and i.booking_id == booking_id)
    booking.prepayment_sek = amount_sek
    start = gateway.start_payment(booking)
    assert start is not None
    pay(stripe_url, start.payment_intent_id)
    tx.update(booking, [Booking.payment_intent_id.set(start.payment_intent_id), Booking.paid_sek.set(amount_sek),
                        Booking.prepayment_sek.set(amount_sek)])
    return booking


def test_closing_with_a_partial_refund_refunds_once_through_the_ledger(client, visited, stripe_url, outbox) -> None:
    token, booking_id = visited
    booking = _paid(booking_id, 500, stripe_url)
    filed = answer(post(client, f"/bookings/{booking_id}/complaints", {"text": "Ojämnt resultat."}, token))["complaint"]
    now = moment("2027-04-08T10:00:00+02:00")
    too_much = complaints.check_closing("partial_refund", None, 600)
    with pytest.raises(ApiError) as refused:
        complaints.reply("anna", filed["id"], "Vi betalar tillbaka.", too_much, now)
    assert refused.value.code == "refund_too_large"
    assert [c.complaint_id for c in complaints.listing("open", now)] == [filed["id"]]  # open again
    assert len(next(i for i in Item.scan(consistent_read=True) if isinstance(i, Complaint)).messages) == 1
    # the customer is not told of a closing that did not happen: the last e-mail is still the receipt
    assert outbox.emails_to("astrid@example.se")[-1]["Subject"] == "Vi har tagit emot din reklamation"

    done = complaints.reply("anna", filed["id"], "Vi betalar tillbaka 200 kr.",
                            complaints.check_closing("partial_refund", None, 200), now)
    assert done.refund == {"amount_sek": 200, "status": "succeeded"}
    closed = outbox.emails_to("astrid@example.se")[-1]  # queued once the refund was made
    assert closed["Subject"] == "Din reklamation är avslutad"
    assert "Återbetalning: 200 kr" in outbox.text(closed)
    assert [row.amount_ore for row in ledger.for_booking(booking_id, now)] == [-20000]
    with pytest.raises(ApiError):  # closed: a second click refunds nothing
        complaints.reply("anna", filed["id"], "Igen", complaints.check_closing("partial_refund", None, 200), now)
    assert ledger.booking_balance(booking_id, now) == -20000
    fresh = tx.get(Booking, Booking.key(booking.customer_id, booking_id))
    assert fresh is not None and fresh.refunded_sek == 200


def test_partial_refunds_never_exceed_what_was_paid_even_at_once(client, visited, stripe_url) -> None:
    _, booking_id = visited
    booking = _paid(booking_id, 500, stripe_url)
    now = moment("2027-04-08T10:00:00+02:00")
    assert refunds.refund_part(booking, 100, now, reason="complaint").amount_sek == 100
    outcomes: list[object] = []

    def refund() -> None:
        try:
            outcomes.append(refunds.refund_part(booking, 300, now, reason="complaint").amount_sek)
        except refunds.RefundTooLarge as error:
            outcomes.append(("too_large", error.remaining_sek))

    threads = [threading.Thread(target=refund) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == sorted(map(str, [300, ("too_large", 100), ("too_large", 100)]))
    with pytest.raises(refunds.RefundTooLarge):
        refunds.refund_part(booking, 101, now, reason="complaint")
    assert refunds.refund_part(booking, 100, now, reason="complaint").amount_sek == 100
    assert ledger.booking_balance(booking_id, now) == -50000
    assert sum(r.amount_ore for r in ledger.for_booking(booking_id, now)) == -50000


def test_the_receipt_is_written_with_the_complaint_and_nothing_is_filed_for_an_erased_customer(
        client, visited, outbox) -> None:
    """The outbox: the complaint and its receipt in one transaction, on a live profile only."""
    token, booking_id = visited
    filed = answer(post(client, f"/bookings/{booking_id}/complaints", {"text": "Rodnad."}, token))["complaint"]
    stored = {type(i).__name__: i for i in Item.scan(consistent_read=True) if isinstance(i, (Complaint, Message))
              and getattr(i, "purpose", "complaint") == "complaint"}
    assert set(stored) == {"Complaint", "Message"}
    assert stored["Message"].pk == stored["Complaint"].pk  # in the customer's partition, with their expiry
    assert stored["Message"].expires_at == stored["Complaint"].expires_at
    assert outbox.emails_to("astrid@example.se")[-1]["Subject"] == "Vi har tagit emot din reklamation"

    # An erasure ends the profile first (its fence): a complaint that read the customer just before is
    # refused at its commit, and leaves nothing.
    now = moment("2027-04-02T09:00:00+02:00")
    customer, booking = profile(), tx.get(Booking, Booking.key(profile().customer_id, booking_id))
    assert booking is not None
    complaints.reply("sara", filed["id"], "Vi har sett den.", complaints.check_closing("resolved", None, None), now)
    tx.update(profile(), [Customer.expires_at.set(now - dt.timedelta(minutes=15))])
    with pytest.raises(ApiError) as answered:
        filing.file(customer, booking, "Igen.", now)
    assert answered.value.status == 404
    assert post(client, f"/bookings/{booking_id}/complaints", {"text": "Igen."}, token).status_code == 401
    assert len([i for i in Item.scan(consistent_read=True) if isinstance(i, Message) and i.purpose == "complaint"]) == 2
    assert [len(c.messages) for c in Item.scan(consistent_read=True) if isinstance(c, Complaint)] == [2]
