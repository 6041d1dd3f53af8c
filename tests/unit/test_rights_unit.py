"""Pure parts of the rights capability: deadlines, windows, export form, input."""

from __future__ import annotations

import datetime as dt

import pytest
from chalicelib.core.clock import STOCKHOLM
from chalicelib.core.errors import Invalid
from chalicelib.rights import details as rights
from chalicelib.rights import erasure
from chalicelib.rights import export as rights_export
from chalicelib.rights import log as rights_log
from chalicelib.store import ratelimit
from chalicelib.store.models import Booking, Customer

UTC = dt.timezone.utc


def stockholm(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize("received, last_day", [
    (stockholm(2027, 3, 2, 9), dt.date(2027, 4, 2)),
    (stockholm(2027, 1, 31, 23, 30), dt.date(2027, 2, 28)),   # month end clamps
    (stockholm(2028, 1, 31, 8), dt.date(2028, 2, 29)),        # leap year
    (stockholm(2026, 12, 31, 23, 59), dt.date(2027, 1, 31)),
])
def test_a_request_must_be_answered_within_one_calendar_month(received, last_day) -> None:
    deadline = rights_log.deadline(received.astimezone(UTC))
    assert deadline == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), STOCKHOLM)
    line = rights_log.ReportLine("r", "access", "web", received, deadline, "exported", deadline)
    assert line.in_time
    late = rights_log.ReportLine("r", "access", "web", received, deadline + dt.timedelta(seconds=1), "exported", deadline)
    assert not late.in_time


def test_requests_are_filed_by_their_stockholm_month() -> None:
    assert rights_log.month_key(dt.datetime(2027, 3, 31, 22, 30, tzinfo=UTC)) == "DSR#2027-04"  # 00:30 on 1 April
    assert rights_log.parse_month("2027-03") == (2027, 3)
    with pytest.raises(ValueError):
        rights_log.parse_month("2027-13")


def test_rate_limit_windows_and_keys(monkeypatch) -> None:
    moment = dt.datetime(2027, 3, 20, 12, 34, 56, tzinfo=UTC)
    assert ratelimit.window_start(moment, dt.timedelta(hours=1)) == dt.datetime(2027, 3, 20, 12, tzinfo=UTC)
    monkeypatch.setenv("LINK_SIGNING_KEY", "k1")
    key = ratelimit.subject_key("links", "astrid@example.se")
    assert key.startswith("RATE#") and "astrid" not in key
    assert key == ratelimit.subject_key("links", "astrid@example.se")
    assert key != ratelimit.subject_key("links", "bo@example.se")
    monkeypatch.setenv("LINK_SIGNING_KEY", "k2")  # keyed: not a plain hash anybody can recompute
    assert key != ratelimit.subject_key("links", "astrid@example.se")


def test_the_last_day_kept_is_the_day_before_the_expiry_instant() -> None:
    expires = dt.datetime(2035, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC)
    assert erasure.last_day(expires) == "2034-12-31"


def test_export_facts_name_every_attribute_and_hide_only_the_plumbing() -> None:
    start = dt.datetime(2027, 3, 30, 8, tzinfo=UTC)
    booking = Booking("CUST#c1", "BOOKING#b1", booking_id="b1", customer_id="c1", service_id="konsultation",
                      staff_id="anna", start=start, end=start + dt.timedelta(minutes=30), locked_units=2,
                      status="confirmed", note="<b>hej</b>", created_at=start, expires_at=start + dt.timedelta(days=9),
                      gsi1pk="DAY#2027-03-30", gsi1sk="x")
    facts = rights_export.facts(booking)
    assert facts["note"] == "<b>hej</b>" and facts["start"] == "2027-03-30T10:00:00+02:00"
    assert facts["kept_until"] == "2027-04-08T10:00:00+02:00"
    assert not set(facts) & rights_export.PLUMBING
    assert set(facts) >= {"booking_id", "service_id", "staff_id", "status", "price_sek", "paid_sek", "locked_units"}
    customer = Customer("CUST#c1", "PROFILE", customer_id="c1", name="A", email="a@example.se", created_at=start)
    assert rights_export.facts(customer)["marketing_sms"] is False  # defaults are facts too


@pytest.mark.parametrize("value, field, key", [
    ("", "email", "required"), ("a@", "email", "email"), (5, "email", "type"), (None, "email", "required"),
])
def test_addresses_are_checked_and_named(value, field, key) -> None:
    with pytest.raises(Invalid) as caught:
        rights.normalise_email(value)
    assert caught.value.fields == {field: key}


@pytest.mark.parametrize("stored, shown", [
    ("+46701234567", "070-123 45 67"), ("+46635125450", "063-512 54 50"), ("+4681234567", "08-123 45 67"),
    ("+447911123456", "+44 7911 123456"), (None, None),
])
def test_phones_are_shown_as_people_write_them(stored, shown) -> None:
    # Swedish numbers nationally, others with their country code; E.164 stays what is stored.
    assert rights.phone_display(stored) == shown


def test_addresses_phones_and_names_take_one_normal_form() -> None:
    assert rights.normalise_email("  Astrid.Lind@EXAMPLE.se ") == "astrid.lind@example.se"
    assert rights.normalise_phone("070-123 45 67") == "+46701234567"
    assert rights.normalise_name("  Astrid   Lind ") == "Astrid Lind"
    with pytest.raises(Invalid):
        rights.normalise_name("Astrid\nBcc: x@example.se")
