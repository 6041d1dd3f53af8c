"""Booking, availability, the back office, reminders and retention on any day and hour (Chalice in process,
DynamoDB Local): each test runs on the real clock and at each of tests/conftest.py's INSTANTS (every weekday
of one week with Ascension Day in it, 23:50 Stockholm time, both daylight-saving Sundays). The days come from
the clinic's hours (support.clock), never from a weekday the test hopes for: the back office's test once
blocked 13:00-18:00 and found free time left on a Wednesday, when the clinic is open until 19:00."""

from __future__ import annotations

import datetime as dt

import pytest
from chalicelib.core import clinic, clock
from chalicelib.retention import dates as retention
from chalicelib.store.models import Customer, Item
from support import clock as run_clock
from support.booking_data import at, body
from support.staff import SARA, call, sign_in

pytestmark = pytest.mark.any_day


def free(api, day: dt.date, staff: str = "sara") -> list[str]:
    status, found = call(api, "GET", f"/availability?service=konsultation&staff={staff}&from={day}&to={day}")
    assert status == 200, found
    return [s["start"] for s in found["slots"]]


def book(api, start: str, **overrides: object) -> dict:
    status, made = call(api, "POST", "/bookings", body(start=start, **overrides))
    assert status == 201, made
    return made["booking"]


def test_the_next_open_days_offer_times_within_their_hours_and_the_notice(client) -> None:
    rules = clinic.current().rules
    earliest = run_clock.now() + dt.timedelta(minutes=rules.min_notice_minutes)
    days = [d for d, _ in zip(run_clock.open_days(0, staff="sara"), range(3), strict=False)]
    for day in days:
        hours = clinic.current().staff_hours_on("sara", day)
        assert hours is not None
        for start in free(client, day):
            moment = dt.datetime.fromisoformat(start)
            assert moment.astimezone(clock.STOCKHOLM).date() == day
            assert hours.opens <= moment.astimezone(clock.STOCKHOLM).time() < hours.closes
            assert moment >= earliest
    later = run_clock.open_day(2, staff="sara")
    assert free(client, later), f"no free time on {later}, an open day"


def test_a_day_at_the_desk_blocks_the_afternoon_until_closing_and_books_a_caller(client, outbox) -> None:
    day = run_clock.open_day(2, staff="sara", weekdays=True)
    afternoon = [s for s in free(client, day) if "14:00" <= s[11:16] < run_clock.closes(day, "sara")]
    booked = book(client, afternoon[0])
    session = sign_in(client, outbox, SARA, run_clock.now()).session
    status, blocked = call(client, "POST", "/staff/blocks", {
        "staff": "sara", "start": at(day.isoformat(), "13:00"), "end": at(day.isoformat(), run_clock.closes(day, "sara")),
        "reason": "Kurs"}, session=session)
    assert status == 201, blocked
    assert [c["id"] for c in blocked["conflicts"]] == [booked["id"]]
    assert not [s for s in free(client, day) if s[11:16] >= "13:00"]  # the whole afternoon, whatever the weekday
    morning = free(client, day)
    assert morning, "the morning stays bookable"
    status, caller = call(client, "POST", "/staff/bookings", {
        "service": "konsultation", "start": morning[0], "staff": "sara", "name": "Berit Ringer", "phone": "070-555 66 77",
    }, session=session)
    assert status == 201, caller
    status, found = call(client, "GET", f"/staff/calendar?from={day}&to={day}", session=session)
    assert status == 200 and {b["id"] for b in found["bookings"]} >= {booked["id"], caller["booking"]["id"]}


def test_the_reminder_goes_out_a_day_before_and_once(client, outbox, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.booking import reminders

    day = run_clock.open_day(2)
    start = free(client, day, staff="anna")[0]
    book(client, start, staff="anna")
    due = dt.datetime.fromisoformat(start) - dt.timedelta(hours=clinic.current().rules.reminder_hours)
    assert reminders.send_due(due - dt.timedelta(minutes=1)) == 0  # not yet
    monkeypatch.setenv("ALLAVIE_NOW", due.isoformat())
    assert reminders.send_due(due) == 1
    assert reminders.send_due(due + dt.timedelta(minutes=5)) == 0  # never twice


def test_a_booking_keeps_the_customer_36_months_after_the_visit_day(client) -> None:
    day = run_clock.open_day(2)
    start = free(client, day, staff="anna")[-1]  # the day's last time: late in the day, in Stockholm
    book(client, start, staff="anna")
    [customer] = [i for i in Item.scan() if isinstance(i, Customer)]
    assert customer.expires_at == clock.end_of_day(retention.retention_day(day))
