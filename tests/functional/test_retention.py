"""Retention against DynamoDB Local: 36 months after the last visit, then nothing.

Customers with visits years ago are written through the models
(support.retention_data), as the booking API refuses bookings in the past.
What an expiry moves, and that an expired customer reads as absent, are rules on the in-memory table:
tests/unit/test_expiry_moves.py. Here: the writes, their transactions and conditions, the sweep.
"""

from __future__ import annotations

import datetime as dt
import json
import time

from chalicelib.core import clock
from chalicelib.retention import dates as retention
from chalicelib.retention import expiry, sweeper
from chalicelib.store.models import (
    EXPIRY_PARTITION,
    Booking,
    CookieConsent,
    Customer,
    DeletionRecord,
    Item,
    LedgerEntry,
    SlotLock,
    customer_pk,
)
from support.retention_data import (
    add_booking,
    customer_with_visit,
    dump,
    everything,
    expiries,
    stockholm,
)

TODAY = stockholm(2029, 6, 15, 9)  # 36 months after 2026-06-15


def nightly(client) -> dict:
    return client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])


def partition_and_key(person) -> list[dict]:
    items = list(Item.query(customer_pk(person.customer_id), consistent_read=True))
    items += list(Item.query(f"EMAIL#{person.email}", consistent_read=True))
    return sorted((item.serialize() for item in items), key=lambda raw: json.dumps(raw, sort_keys=True))


def test_36_months_and_one_day_after_the_last_visit_the_sweep_deletes_everything(client, monkeypatch) -> None:
    gone = customer_with_visit("Greta Gammal", "greta@example.se", "+46701111111", stockholm(2026, 6, 14, 15))
    kept = customer_with_visit("Karin Kvar", "karin@example.se", "+46702222222", stockholm(2026, 6, 15, 15))
    kept_before = partition_and_key(kept)
    assert len(kept_before) == 5  # profile, consent, booking, message, EmailKey

    # the nightly function, at 03:30 in Stockholm: it sweeps what ended by the end of yesterday
    monkeypatch.setenv("ALLAVIE_NOW", "2029-06-15T03:30:00+02:00")
    answer = client.lambda_.invoke("sweep_expired", nightly(client))
    assert answer.payload["as_of"] == "2029-06-14"
    assert answer.payload["customers"] == 1

    left = everything()
    text = dump(left)
    for trace in gone.traces:
        assert trace not in text
    # the time locks of a visit long past name its customer (the back office finds bookings by them): they go too
    assert {lock.booking_id for lock in left if isinstance(lock, SlotLock)} <= set(kept.booking_ids)
    assert partition_and_key(kept) == kept_before  # kept whole, not a single attribute changed

    records = [item for item in left if isinstance(item, DeletionRecord)]
    assert len(records) == 1
    record = records[0]
    assert record.reason == "schedule" and record.pk == "DELETIONS#2029-06"
    assert record.expired_at == clock.end_of_day(dt.date(2029, 6, 14))
    assert record.kinds.as_dict() == {"customer": 1, "booking": 1, "marketing_consent": 1, "message": 1, "email": 1,
                                      "slot_lock": 4}
    for trace in kept.traces:  # the record names nobody
        assert trace not in dump([record])

    # a day later Karin's time has come too
    monkeypatch.setenv("ALLAVIE_NOW", "2029-06-16T03:30:00+02:00")
    client.lambda_.invoke("sweep_expired", nightly(client))
    assert kept.customer_id not in dump(everything())


def test_a_new_visit_moves_the_expiry_of_every_item(table) -> None:
    person = customer_with_visit("Vera Visit", "vera@example.se", "+46703333333", stockholm(2026, 3, 10))
    first = clock.end_of_day(dt.date(2029, 3, 10))
    assert set(expiries(person).values()) == {clock.epoch(first)}

    # another message arrives in between; it too moves with the next visit
    add_booking(person, stockholm(2027, 1, 20, 14), booked_at=stockholm(2027, 1, 5))
    moved = clock.end_of_day(dt.date(2030, 1, 20))
    stamps = expiries(person)
    assert len(stamps) == 7 and set(stamps.values()) == {clock.epoch(moved)}
    profile = Customer.get(*Customer.key(person.customer_id))
    assert profile.gsi2pk == EXPIRY_PARTITION and profile.gsi2sk.startswith(f"{clock.epoch(moved):011d}#")

    # nothing changed since: one Query, no write
    again = expiry.refresh_counted(person.customer_id, stockholm(2027, 1, 6))
    assert again.expiry == moved and again.updated == 0 and again.requests == 1

    # cancelling the later booking moves it back to the first visit (every item again)
    booking = Booking.get(*Booking.key(person.customer_id, person.booking_ids[1]))
    booking.update([Booking.status.set("cancelled"), Booking.cancelled_at.set(stockholm(2027, 1, 7))])
    back = expiry.refresh_counted(person.customer_id, stockholm(2027, 1, 7))
    assert back.expiry == first
    assert back.updated == 7 and back.requests == 2  # 6 partition items + EmailKey, in one transaction
    assert set(expiries(person).values()) == {clock.epoch(first)}


def test_an_expired_customer_gets_nothing_from_the_api_before_any_sweep(client, monkeypatch, outbox) -> None:
    from chalicelib.links import tokens as links

    person = customer_with_visit("Olga Over", "olga@example.se", "+46705555556", stockholm(2026, 6, 14))
    token = links.issue(person.customer_id, "data", 1, stockholm(2030, 1, 1))
    bearer = {"Authorization": f"Bearer {token}"}

    monkeypatch.setenv("ALLAVIE_NOW", "2029-06-14T23:59:00+02:00")  # the last minute of the last day
    answer = client.http.get("/me", headers=bearer)
    assert answer.status_code == 200 and json.loads(answer.body)["customer"]["email"] == person.email

    monkeypatch.setenv("ALLAVIE_NOW", "2029-06-15T00:00:00+02:00")
    for path in ("/me", "/me/export"):
        answer = client.http.get(path, headers=bearer)
        assert answer.status_code == 401, path
        assert person.email not in answer.body.decode()
    client.http.post("/links", body=json.dumps({"email": person.email}), headers={"Content-Type": "application/json"})
    assert outbox.emails_to(person.email) == []  # no link for data that has ended
    assert person.email in dump(everything())  # not swept yet: the reads alone hide it


def test_ledger_rows_keep_their_own_retention(table) -> None:
    person = customer_with_visit("Lena Ledger", "lena@example.se", "+46706666666", stockholm(2026, 6, 1))
    booking_id = person.booking_ids[0]
    row = LedgerEntry(
        f"LEDGER#{booking_id}", "payment#ch_1", booking_id=booking_id, entry_type="payment", amount_ore=50000,
        booked_on="2026-05-25", payment_intent_id="pi_1", stripe_object_id="ch_1", recorded_at=stockholm(2026, 5, 25),
        expires_at=retention.bookkeeping_expiry(dt.date(2026, 5, 25)),
    )
    row.index_expiry()
    row.save()

    report = sweeper.sweep(dt.date(2029, 6, 1), TODAY, "schedule")
    assert report.customers == 1 and "ledger" not in report.items
    assert LedgerEntry.get(row.pk, row.sk).amount_ore == 50000
    assert person.email not in dump(everything())

    # the end of the seventh year after 2026
    assert sweeper.sweep(dt.date(2033, 12, 30), stockholm(2033, 12, 31), "schedule").items["ledger"] == 0
    assert sweeper.sweep(dt.date(2033, 12, 31), stockholm(2034, 1, 1), "schedule").items["ledger"] == 1
    assert not list(LedgerEntry.query(row.pk))


def test_other_roots_are_deleted_one_by_one_when_due(table) -> None:
    for number, day in enumerate((dt.date(2027, 1, 1), dt.date(2027, 1, 2))):
        consent = CookieConsent(f"COOKIE#c{number}", "2026-01-01T00:00:00Z", consent_id=f"c{number}",
                                choices={"necessary": True}, policy_version="1", given_at=stockholm(2026, 1, 1),
                                expires_at=clock.end_of_day(day))
        consent.index_expiry()
        consent.save()
    due = sweeper.expired(dt.date(2027, 1, 1))
    assert [(root.kind, root.pk) for root in due] == [("cookie_consent", "COOKIE#c0")]
    # past its deadline (a Lambda about to time out) a sweep stops and leaves the rest for the next run
    late = sweeper.sweep(dt.date(2027, 1, 2), stockholm(2027, 1, 3), "schedule", deadline=time.monotonic() - 1)
    assert late.left == 2 and not late.items and len(list(CookieConsent.scan())) == 2
    assert sweeper.sweep(dt.date(2027, 1, 1), stockholm(2027, 1, 2), "schedule").items == {"cookie_consent": 1}
    assert [c.consent_id for c in CookieConsent.scan()] == ["c1"]


def test_the_sweep_leaves_a_customer_who_booked_again_meanwhile(table) -> None:
    person = customer_with_visit("Maja Mellan", "maja@example.se", "+46707777777", stockholm(2026, 6, 1))
    limit = clock.end_of_day(dt.date(2029, 6, 1))
    # the index said "due"; then a booking moved everything before the delete
    add_booking(person, stockholm(2026, 6, 20), booked_at=stockholm(2026, 6, 2))
    assert sweeper.delete_customer(person.customer_id, "schedule", now=TODAY, expired_by=limit) is None
    assert len(expiries(person)) == 7
