"""What a booking or a ledger row counts for in the owner's per-day aggregates (pure)."""

from __future__ import annotations

import datetime as dt

from chalicelib.reports import counts, revenue

UTC = dt.timezone.utc


def facts(status: str, cancelled_by: str | None = None, start: str = "2027-03-02T22:30:00+00:00") -> counts.BookingFacts:
    moment = dt.datetime.fromisoformat(start)
    return counts.BookingFacts("b1", "c1", "kemisk-peeling", "sara", moment, moment + dt.timedelta(minutes=45),
                               status, cancelled_by)


def test_a_booking_counts_on_its_stockholm_day_with_its_treatment_minutes() -> None:
    # 22:30 UTC on 2 March is 23:30 in Stockholm (winter): still the 2nd; 23:30 UTC would be the 3rd
    assert counts.booking(facts("confirmed"), ("2027-03-02", "b0")) == {"2027-03-02": {
        "bookings": 1, "booked_minutes": 45, "svc:kemisk-peeling:bookings": 1, "staff:sara:minutes": 45}}
    assert list(counts.booking(facts("confirmed", start="2027-03-02T23:30:00+00:00"), None)) == ["2027-03-03"]
    no_show = counts.booking(facts("no_show"), ("2027-01-01", "b0"))["2027-03-02"]
    assert no_show["no_shows"] == 1 and no_show["booked_minutes"] == 45 and no_show["returning"] == 1
    assert counts.booking(facts("completed"), ("2027-03-02", "b0"))["2027-03-02"]["completed"] == 1


def test_the_customers_first_booking_counts_them_as_new_once() -> None:
    first = counts.booking(facts("confirmed"), ("2027-03-02", "b1"))["2027-03-02"]
    assert first[counts.NEW_CUSTOMERS] == 1 and "returning" not in first
    same_day_other = counts.booking(facts("confirmed"), ("2027-03-02", "b0"))["2027-03-02"]
    assert counts.NEW_CUSTOMERS not in same_day_other and "returning" not in same_day_other
    assert counts.NEW_CUSTOMERS not in counts.booking(facts("cancelled", "customer"), ("2027-03-02", "b1"))["2027-03-02"]


def test_cancellations_count_apart_and_holds_and_releases_not_at_all() -> None:
    assert counts.booking(facts("cancelled", "customer"), None) == {"2027-03-02": {"cancelled_by_customer": 1}}
    assert counts.booking(facts("cancelled", None), None) == {"2027-03-02": {"cancelled_by_customer": 1}}
    assert counts.booking(facts("cancelled", "clinic"), None) == {"2027-03-02": {"cancelled_by_clinic": 1}}
    assert counts.booking(facts("cancelled", "system"), None) == {}
    assert counts.booking(facts("awaiting_payment"), None) == {}


def test_revenue_by_kind_of_row() -> None:
    assert revenue.kind_of("payment", None) == revenue.ONLINE
    assert revenue.kind_of("refund", "online") == revenue.ONLINE
    assert revenue.kind_of("payment", "desk") == revenue.DESK
    assert revenue.kind_of("payment", "shop") == revenue.SHOP
    assert revenue.kind_of("payment", "gift_card") == revenue.GIFT_CARDS_SOLD
    assert revenue.kind_of("redemption", "desk") == revenue.GIFT_CARDS_REDEEMED
    assert counts.ledger_row("2027-03-09", "refund", None, -30000, "kemisk-peeling") == {
        "2027-03-09": {"rev:online": -30000, "svc:kemisk-peeling:rev": -30000}}
