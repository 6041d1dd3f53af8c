import datetime as dt

import pytest
from chalicelib.core.clock import STOCKHOLM
from chalicelib.retention import dates as retention

pytestmark = pytest.mark.any_day  # retention's dates on any day: the clock pinned to each of conftest.INSTANTS too


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=STOCKHOLM)


def test_36_calendar_months_clamped_at_month_end() -> None:
    assert retention.retention_day(dt.date(2028, 2, 29)) == dt.date(2031, 2, 28)
    assert retention.retention_day(dt.date(2026, 1, 31)) == dt.date(2029, 1, 31)
    assert retention.retention_day(dt.date(2026, 8, 31)) == dt.date(2029, 8, 31)


def test_the_last_visit_is_the_latest_appointment_not_cancelled() -> None:
    appointments = [(at(2026, 3, 1), False), (at(2027, 6, 1), True), (at(2026, 9, 1), False)]
    expiry = retention.customer_expiry(appointments, last_activity=at(2026, 1, 1))
    # end of 2029-09-01 in Stockholm (summer time: UTC+2)
    assert expiry == dt.datetime(2029, 9, 1, 22, 0, tzinfo=dt.timezone.utc)


def test_without_visits_the_latest_activity_counts() -> None:
    expiry = retention.customer_expiry([(at(2026, 5, 5), True)], last_activity=at(2026, 5, 6))
    assert expiry == dt.datetime(2029, 5, 6, 22, 0, tzinfo=dt.timezone.utc)


def test_a_visit_late_in_the_evening_counts_on_its_stockholm_day() -> None:
    # 23:30 in Stockholm on 2026-10-25 (the autumn change) is 22:30 UTC the same day
    late = dt.datetime(2026, 10, 25, 23, 30, tzinfo=STOCKHOLM).astimezone(dt.timezone.utc)
    assert retention.last_visit([(late, False)]) == dt.date(2026, 10, 25)
    # the data ends at midnight after 2029-10-25, still summer time then (the change is on the 28th)
    assert retention.customer_expiry([(late, False)], late) == dt.datetime(2029, 10, 25, 22, tzinfo=dt.timezone.utc)


def test_bookkeeping_records_last_to_the_end_of_the_seventh_year() -> None:
    assert retention.bookkeeping_expiry(dt.date(2026, 12, 30)) == dt.datetime(2033, 12, 31, 23, tzinfo=dt.timezone.utc)
    assert retention.bookkeeping_expiry(dt.date(2027, 1, 2)) == dt.datetime(2034, 12, 31, 23, tzinfo=dt.timezone.utc)


# --- month ends and leap years -------------------------------------------------------


def test_month_ends_stay_month_ends_or_clamp() -> None:
    cases = {
        dt.date(2026, 1, 31): dt.date(2029, 1, 31),
        dt.date(2026, 4, 30): dt.date(2029, 4, 30),
        dt.date(2026, 5, 31): dt.date(2029, 5, 31),
        dt.date(2026, 12, 31): dt.date(2029, 12, 31),
        dt.date(2024, 2, 29): dt.date(2027, 2, 28),   # from a leap day to a common year
        dt.date(2025, 2, 28): dt.date(2028, 2, 28),   # into a leap year: the 28th, not the 29th
        dt.date(2029, 2, 28): dt.date(2032, 2, 28),
        dt.date(2028, 3, 1): dt.date(2031, 3, 1),
    }
    for visit, last_day in cases.items():
        assert retention.retention_day(visit) == last_day, visit


def test_the_year_turns_in_stockholm_not_in_utc() -> None:
    new_years_eve = dt.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM).astimezone(dt.timezone.utc)
    assert new_years_eve.day == 31
    expiry = retention.customer_expiry([(new_years_eve, False)], new_years_eve)
    assert expiry == dt.datetime(2029, 12, 31, 23, tzinfo=dt.timezone.utc)
    just_after = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc)  # 00:30 on 1 January in Stockholm
    assert retention.last_visit([(just_after, False)]) == dt.date(2027, 1, 1)


# --- the daylight-saving days -----------------------------------------------------------


def test_the_last_day_is_the_spring_change_day_of_23_hours() -> None:
    # 2029-03-25 is the last Sunday of March: the data ends at midnight summer time
    expiry = retention.customer_expiry([(at(2026, 3, 25), False)], at(2026, 3, 1))
    assert expiry == dt.datetime(2029, 3, 25, 22, tzinfo=dt.timezone.utc)
    assert expiry.astimezone(STOCKHOLM).isoformat() == "2029-03-26T00:00:00+02:00"


def test_the_last_day_is_the_autumn_change_day_of_25_hours() -> None:
    # 2029-10-28 is the last Sunday of October: the data ends at midnight winter time
    expiry = retention.customer_expiry([(at(2026, 10, 28), False)], at(2026, 10, 1))
    assert expiry == dt.datetime(2029, 10, 28, 23, tzinfo=dt.timezone.utc)
    assert expiry.astimezone(STOCKHOLM).isoformat() == "2029-10-29T00:00:00+01:00"
    # the day before still ends in summer time
    assert retention.customer_expiry([(at(2026, 10, 27), False)], at(2026, 10, 1)) == dt.datetime(
        2029, 10, 27, 22, tzinfo=dt.timezone.utc)


def test_visits_during_the_changes_count_on_their_stockholm_day() -> None:
    # 00:30 on the spring change day (still winter time) is 23:30 UTC the day before
    spring = dt.datetime(2026, 3, 29, 0, 30, tzinfo=STOCKHOLM).astimezone(dt.timezone.utc)
    assert spring.day == 28 and retention.last_visit([(spring, False)]) == dt.date(2026, 3, 29)
    # 02:30 happens twice on the autumn change day; both times are that day
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.timezone.utc)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.timezone.utc)
    assert first.astimezone(STOCKHOLM).strftime("%H:%M") == second.astimezone(STOCKHOLM).strftime("%H:%M") == "02:30"
    assert retention.last_visit([(first, False)]) == retention.last_visit([(second, False)]) == dt.date(2026, 10, 25)


def test_an_item_is_live_to_the_last_instant_of_its_last_day() -> None:
    from chalicelib.store.models import Customer

    expires = retention.customer_expiry([(at(2026, 3, 25), False)], at(2026, 3, 1))
    customer = Customer("CUST#x", "PROFILE", expires_at=expires)
    assert customer.is_live(dt.datetime(2029, 3, 25, 23, 59, 59, tzinfo=STOCKHOLM))
    assert not customer.is_live(dt.datetime(2029, 3, 26, 0, 0, tzinfo=STOCKHOLM))


def test_a_closed_complaint_keeps_the_data_36_months_after_closing_when_that_is_later() -> None:
    from chalicelib.core.clock import STOCKHOLM, end_of_day
    from chalicelib.retention.dates import customer_expiry

    visit = dt.datetime(2027, 3, 30, 10, tzinfo=STOCKHOLM)
    closed = dt.datetime(2027, 5, 10, 23, 30, tzinfo=STOCKHOLM)  # late evening: still 10 May in Stockholm
    assert customer_expiry([(visit, False)], visit) == end_of_day(dt.date(2030, 3, 30))
    assert customer_expiry([(visit, False)], visit, [closed]) == end_of_day(dt.date(2030, 5, 10))
    earlier = dt.datetime(2026, 1, 5, tzinfo=STOCKHOLM)  # a complaint closed before the last visit changes nothing
    assert customer_expiry([(visit, False)], visit, [earlier]) == end_of_day(dt.date(2030, 3, 30))
