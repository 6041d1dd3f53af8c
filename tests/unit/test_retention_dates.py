import datetime as dt

from chalicelib import retention
from chalicelib.clock import STOCKHOLM


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
