"""The owner's numbers against DynamoDB Local (Chalice in process): the per-day aggregates kept from the table's
stream, GET /staff/reports, its CSV, the rebuild, the bound on a year's reads, and the SIE file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from allavie import cli
from chalicelib.booking import change
from chalicelib.core.clock import STOCKHOLM
from chalicelib.payments import ledger
from chalicelib.reports import live, rebuild
from chalicelib.store import lookups, metering
from chalicelib.store import reports_repo as repository
from chalicelib.store.models import Booking, Customer, EmailKey, PageCount
from support.outbox import settle
from support.sie_reader import read
from support.staff import ANNA, SARA, call, sign_in

NOW = dt.datetime(2027, 4, 20, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    return client


@pytest.fixture()
def anna(api, outbox):
    return sign_in(api, outbox, ANNA, NOW).session


def customer(name: str) -> str:
    cid = uuid.uuid4().hex
    email = f"{cid[:8]}@example.se"
    Customer(*Customer.key(cid), customer_id=cid, name=name, email=email, phone="+46701234567",
             created_at=NOW - dt.timedelta(days=90), expires_at=NOW + dt.timedelta(days=900)).save()
    EmailKey(*EmailKey.key(email), customer_id=cid).save()
    return cid


def book(cid: str, day: str, time: str, service: str = "ansiktsbehandling", staff: str = "sara",
         minutes: int = 60, status: str = "confirmed") -> str:
    """A booking as the booking transaction writes it (the reports read only the item)."""
    bid = uuid.uuid4().hex
    start = dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=STOCKHOLM).astimezone(dt.timezone.utc)
    Booking(*Booking.key(cid, bid), booking_id=bid, customer_id=cid, service_id=service, staff_id=staff, start=start,
            end=start + dt.timedelta(minutes=minutes), locked_units=minutes // 15, status=status,
            created_at=NOW - dt.timedelta(days=30), gsi1pk=f"CAL#{day[:7]}", gsi1sk=f"{start.isoformat()}#{bid}",
            expires_at=NOW + dt.timedelta(days=900)).save()
    from chalicelib.store.models import BookingRef, SlotLock

    BookingRef.make(cid, bid, NOW + dt.timedelta(days=900)).save()
    for unit in range(minutes // 15):
        SlotLock(*SlotLock.key(staff, start + dt.timedelta(minutes=15 * unit)), booking_id=bid, customer_id=cid).save()
    return bid


def paid(bid: str, ore: int, day: str, n: str) -> None:
    ledger.record_payment(bid, f"pi_{n}", f"ch_{n}", ore, dt.datetime.fromisoformat(f"{day}T12:00").replace(
        tzinfo=STOCKHOLM))


def report(api, session: str, first: str, last: str) -> dict:
    status, found = call(api, "GET", f"/staff/reports?from={first}&to={last}", session=session)
    assert status == 200, found
    return found


def scenario() -> dict[str, str]:
    """March 2027: the fixed set every figure below is checked against."""
    ids: dict[str, str] = {}
    astrid, bo, cia = customer("Astrid Åkesson"), customer("Bo Öberg"), customer("Cia Ärlig")
    ids["astrid"], ids["bo"], ids["cia"] = astrid, bo, cia
    book(astrid, "2027-02-10", "10:00", status="completed")                 # her first visit: February
    ids["a1"] = book(astrid, "2027-03-02", "10:00", status="completed")      # returning
    ids["b1"] = book(bo, "2027-03-02", "13:00", "kemisk-peeling", "elin", 45, status="no_show")  # new
    ids["c1"] = book(cia, "2027-03-03", "09:00", "konsultation", "anna", 30)  # new, confirmed
    ids["c2"] = book(cia, "2027-03-10", "11:00")                              # returning; cancelled by her
    ids["b2"] = book(bo, "2027-03-11", "15:00")                               # returning; cancelled by the clinic
    ids["hold"] = book(bo, "2027-03-12", "09:00", status="awaiting_payment")  # an unpaid hold: nothing
    paid(ids["a1"], 89500, "2027-03-01", "a1")
    paid(ids["b1"], 30000, "2027-03-01", "b1")
    paid(ids["c2"], 30000, "2027-03-05", "c2")
    ledger.record_refund(ids["c2"], "pi_c2", "re_c2", 30000, dt.datetime(2027, 3, 9, 8, 0, tzinfo=STOCKHOLM))
    PageCount("STATS#2027-03-02", "/boka/", views=7).save()
    PageCount("STATS#2027-03-02", "/", views=3).save()
    settle()
    for key, staff in (("c2", None), ("b2", "anna")):
        found = lookups.booking_by_id(ids[key], NOW)
        assert found is not None
        person = lookups.profile(found.customer_id, NOW)
        assert person is not None
        change.cancel(person, found, dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.timezone.utc), by_staff=staff,
                      refund=False if staff else None)
    settle()
    return ids


def test_the_figures_are_exactly_those_of_the_bookings_payments_and_visits(api, anna) -> None:
    scenario()
    found = report(api, anna, "2027-03-01", "2027-03-31")
    totals = found["totals"]
    assert (totals["bookings"], totals["completed"], totals["no_shows"]) == (3, 1, 1)
    assert (totals["cancelled_by_customer"], totals["cancelled_by_clinic"]) == (1, 1)
    assert totals["booked_minutes"] == 60 + 45 + 30
    assert totals["revenue_sek"] == {"online": 1195.0 + 300.0 - 300.0, "desk": 0.0, "shop": 0.0,
                                     "gift_cards_sold": 0.0, "gift_cards_redeemed": 0.0}
    assert totals["page_views"] == 10 and totals["no_show_rate"] == round(1 / 3, 4)
    day = {d["date"]: d for d in found["days"]}
    assert len(found["days"]) == 31
    assert day["2027-03-02"]["bookings"] == 2 and day["2027-03-02"]["page_views"] == 10
    assert day["2027-03-01"]["revenue_sek"]["online"] == 1195.0
    assert day["2027-03-09"]["revenue_sek"]["online"] == -300.0
    assert day["2027-03-10"]["cancelled_by_customer"] == 1 and day["2027-03-10"]["bookings"] == 0
    assert day["2027-03-11"]["cancelled_by_clinic"] == 1 and day["2027-03-12"] == {**day["2027-03-12"], "bookings": 0}
    # Tuesday 2 March: anna and sara 09-18, elin 09-18 (her own hours): three staff give treatments
    assert day["2027-03-02"]["available_minutes"] == 3 * 9 * 60
    services = {s["service"]: s for s in found["by_service"]}
    # Astrid's 895 kr; Cia's 300 kr paid and refunded
    assert services["ansiktsbehandling"]["bookings"] == 1 and services["ansiktsbehandling"]["revenue_sek"] == 895.0
    assert services["kemisk-peeling"] == {**services["kemisk-peeling"], "bookings": 1, "revenue_sek": 300.0}
    assert services["konsultation"]["bookings"] == 1
    staff = {s["staff"]: s for s in found["by_staff"]}
    assert staff["sara"]["booked_minutes"] == 60 and staff["elin"]["booked_minutes"] == 45
    assert staff["anna"]["booked_minutes"] == 30 and staff["sara"]["available_minutes"] > 0
    assert found["customers"] == {"new": 2, "returning": 1}
    assert found["pages"] == [{"path": "/boka/", "views": 7}, {"path": "/", "views": 3}]
    assert found["gift_card_liability_sek"] == 0
    assert found["previous"]["from"] == "2027-01-29" and found["previous"]["bookings"] == 1  # Astrid's February visit


def test_the_csv_has_a_date_column_and_one_per_day_key(api, anna) -> None:
    scenario()
    status, text = call(api, "GET", "/staff/reports?from=2027-03-01&to=2027-03-03&format=csv", session=anna)
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["date"] for r in rows] == ["2027-03-01", "2027-03-02", "2027-03-03"]
    assert rows[0]["revenue_online_sek"] == "1195.00" and rows[1]["bookings"] == "2" and rows[1]["page_views"] == "10"
    assert {"cancelled_by_customer", "revenue_gift_cards_redeemed_sek", "available_minutes"} <= set(rows[0])


def test_a_record_delivered_twice_or_late_changes_nothing(api, anna) -> None:
    scenario()
    first = report(api, anna, "2027-03-01", "2027-03-31")
    bid = book(customer("Dan Ek"), "2027-03-04", "10:00")
    records = settle()
    assert records
    live.handle_records(records, NOW)  # the same records again, as Lambda may deliver them
    live.handle_records(records, NOW)
    again = report(api, anna, "2027-03-01", "2027-03-31")
    assert again["totals"]["bookings"] == first["totals"]["bookings"] + 1
    assert again["customers"]["new"] == first["customers"]["new"] + 1
    # an older record of the booking after a newer one: ignored
    found = lookups.booking_by_id(bid, NOW)
    assert found is not None
    found.status, found.outcome = "no_show", "no_show"
    found.save()
    newer = settle()
    older = [r for r in records if r["dynamodb"]["Keys"]["sk"]["S"] == f"BOOKING#{bid}"]
    live.handle_records(older, NOW)
    assert report(api, anna, "2027-03-04", "2027-03-04")["totals"]["no_shows"] == 1
    assert newer


def test_a_booking_moved_to_another_day_moves_its_counts(api, anna) -> None:
    ids = scenario()
    found = lookups.booking_by_id(ids["c1"], NOW)
    assert found is not None
    moved = found.start + dt.timedelta(days=14)
    found.start, found.end = moved, moved + dt.timedelta(minutes=30)
    found.save()
    settle()
    day = {d["date"]: d for d in report(api, anna, "2027-03-01", "2027-03-31")["days"]}
    assert day["2027-03-03"]["bookings"] == 0 and day["2027-03-03"]["booked_minutes"] == 0
    assert day["2027-03-17"]["bookings"] == 1 and day["2027-03-17"]["booked_minutes"] == 30


def test_the_rebuild_agrees_with_the_live_aggregates(api, anna, capsys: pytest.CaptureFixture[str]) -> None:
    scenario()
    live_days = repository.days(dt.date(2027, 2, 1), dt.date(2027, 3, 31))
    live_report = report(api, anna, "2027-03-01", "2027-03-31")
    days, _ = rebuild.compute(dt.date(2027, 2, 1), dt.date(2027, 3, 31), NOW)
    assert {d: c for d, c in days.items() if c} == live_days
    assert cli.main(["reports", "rebuild", "--from", "2027-02-01", "--to", "2027-03-31"]) == 0
    assert '"days": 59' in capsys.readouterr().out
    assert repository.days(dt.date(2027, 2, 1), dt.date(2027, 3, 31)) == live_days
    assert report(api, anna, "2027-03-01", "2027-03-31") == live_report
    # and the stream goes on from the rebuilt values
    book(customer("Eva Ek"), "2027-03-04", "10:00")
    settle()
    assert report(api, anna, "2027-03-01", "2027-03-31")["totals"]["bookings"] == live_report["totals"]["bookings"] + 1


def test_a_years_report_costs_a_bounded_number_of_requests(api, anna) -> None:
    scenario()
    for month in range(1, 13):  # a booking on some day of every month of two years
        for year in (2026, 2027):
            book(customer("Fia Ek"), f"{year}-{month:02d}-1{month % 9}", "10:00")
    settle()
    with metering.counting() as month:
        report(api, anna, "2027-03-01", "2027-03-31")
    with metering.counting() as year:
        found = report(api, anna, "2026-04-01", "2027-03-31")
    assert found["totals"]["bookings"] == 12 + 3 + 1  # the twelve, March's three, February's one
    assert month.requests["Query"] >= 1 and month.requests["GetItem"] >= 1  # the days, and the session
    queries = year.requests["Query"]
    assert queries <= month.requests["Query"] + 11 * 1, (month.requests, year.requests)
    assert year.total <= month.total + 11, (month.requests, year.requests)


def test_staff_without_the_admin_role_get_403_and_bad_periods_400(api, outbox, anna) -> None:
    sara = sign_in(api, outbox, SARA, NOW).session
    for path in ("/staff/reports?from=2027-03-01&to=2027-03-31", "/staff/reports/sie?year=2027"):
        status, answer = call(api, "GET", path, session=sara)
        assert status == 403 and answer["error"]["code"] == "forbidden"
        assert call(api, "GET", path)[0] == 401
    for query, field in (("from=2027-03-01&to=2028-03-02", "to"), ("from=2027-03-02&to=2027-03-01", "to"),
                         ("from=1.3.2027&to=2027-03-01", "from"), ("from=2027-03-01&to=2027-03-02&format=pdf",
                                                                   "format"), ("from=2027-03-01&to=2027-03-01&x=1", "x")):
        status, answer = call(api, "GET", f"/staff/reports?{query}", session=anna)
        assert status == 400 and field in answer["error"]["fields"], (query, answer)
    assert call(api, "GET", "/staff/reports?from=2027-03-01&to=2028-02-29", session=anna)[0] == 200  # 366 days
    for query, field in (("year=27", "year"), ("year=2027&month=13", "month"), ("", "year")):
        status, answer = call(api, "GET", f"/staff/reports/sie?{query}", session=anna)
        assert status == 400 and field in answer["error"]["fields"], (query, answer)


def test_the_sie_file_from_the_api_and_the_command_carries_the_ledgers_sums(api, anna, tmp_path) -> None:
    scenario()
    response = api.http.get("/staff/reports/sie?year=2027&month=3",
                            headers={"Authorization": f"Bearer {anna}", "Accept": "text/plain"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=IBM437"
    assert response.headers["Content-Disposition"] == 'attachment; filename="allavie-2027-03.se"'
    data = response.body if isinstance(response.body, bytes) else response.body.encode("latin-1")
    parsed = read(data)
    for voucher in parsed.vouchers:
        assert sum(amount for _, amount, _ in voucher.trans) == 0
    rows = [r for r in ledger.for_year(2027, NOW) if r.booked_on.month == 3]
    assert parsed.per_account()["1580"] == Decimal(ledger.balance(rows)) / 100 == Decimal("1195.00")
    assert parsed.labels["#FNAMN"] == [["Allavie AB"]] and "#ORGNR" not in parsed.labels
    out = tmp_path / "mars.se"
    assert cli.main(["ledger", "sie", "--year", "2027", "--month", "3", "--out", str(out)]) == 0
    assert out.read_bytes()[:200] == data[:200] and read(out.read_bytes()).per_account() == parsed.per_account()
