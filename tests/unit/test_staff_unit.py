"""The back office's pure parts: staff in the clinic file, their working hours and blocked time in
availability, the lock after five wrong codes, search terms, the grid units a block marks."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from chalicelib.booking import availability
from chalicelib.core import clinic
from chalicelib.core.clinic import ClinicFileError, parse
from chalicelib.staff.signin import locked
from chalicelib.store import search

STOCKHOLM = dt.timezone(dt.timedelta(hours=2))  # summer time, as on 2027-06-01
RAW = yaml.safe_load(clinic.DEFAULT_PATH.read_text(encoding="utf-8"))


def with_staff(**changes: object) -> dict:
    data = copy.deepcopy(RAW)
    data["staff"][1].update(changes)  # sara
    return data


def test_staff_have_an_address_a_role_and_optional_hours() -> None:
    current = parse(RAW)
    anna = current.staff_member("anna")
    assert anna is not None and anna.role == "admin" and anna.email == "anna@allavieclinic.com"
    assert current.staff_by_email("sara@allavieclinic.com").id == "sara"
    assert current.staff_by_email("nobody@allavieclinic.com") is None
    elin = current.staff_member("elin")
    assert elin is not None and elin.hours is not None and 5 not in elin.hours  # no Saturdays
    assert parse(with_staff(email="Sara@AllavieClinic.COM")).staff_member("sara").email == "sara@allavieclinic.com"


@pytest.mark.parametrize(("changes", "message"), [
    ({"role": "owner"}, "role"),
    ({"email": "not an address"}, "email"),
    ({"email": "anna@allavieclinic.com"}, "share an e-mail"),
    ({"hours": {"monday": ["08:00", "12:00"]}}, "outside the opening hours"),
    ({"hours": {"sunday": ["10:00", "12:00"]}}, "outside the opening hours"),
    ({"hours": {"funday": ["10:00", "12:00"]}}, "not a weekday"),
    ({"id": "Sara Berg"}, "lowercase"),
])
def test_a_wrong_staff_entry_names_its_place(changes: dict, message: str) -> None:
    with pytest.raises(ClinicFileError, match=message):
        parse(with_staff(**changes))


def test_working_hours_limit_what_availability_offers() -> None:
    current = parse(with_staff(hours={"tuesday": ["13:00", "17:00"]}))
    service = current.service("konsultation")
    now = dt.datetime(2027, 5, 20, 12, tzinfo=dt.timezone.utc)
    day = dt.date(2027, 6, 1)  # a Tuesday
    slots = availability.free_slots(current, service, day, day, now, [], staff_id="sara")
    starts = [s.start.astimezone(STOCKHOLM).strftime("%H:%M") for s in slots]
    assert starts[0] == "13:00" and starts[-1] == "16:30"
    monday = dt.date(2027, 5, 31)
    assert availability.free_slots(current, service, monday, monday, now, [], staff_id="sara") == []
    assert current.staff_hours_on("anna", day).opens == dt.time(9)  # no hours of her own: the opening hours


def test_a_block_forbids_the_treatment_not_its_cleaning_buffer() -> None:
    current = parse(RAW)
    service = current.service("konsultation")  # 30 minutes + 10 cleaning: three units
    now = dt.datetime(2027, 5, 20, 12, tzinfo=dt.timezone.utc)
    day = dt.date(2027, 6, 1)
    block_start = dt.datetime(2027, 6, 1, 13, tzinfo=STOCKHOLM)
    marked = availability.grid_units(current, block_start, block_start + dt.timedelta(hours=5))
    assert len(marked) == 20  # 13:00-18:00, the clinic closes at 18
    locks = [availability.Lock("sara", unit, blocked=True) for unit in marked]
    starts = {s.start.astimezone(STOCKHOLM).strftime("%H:%M")
              for s in availability.free_slots(current, service, day, day, now, locks, staff_id="sara")}
    assert "12:30" in starts and "12:45" not in starts and not any(s >= "13:00" for s in starts)


def test_grid_units_of_a_sick_week_are_only_opening_hours() -> None:
    current = parse(RAW)
    monday = dt.datetime(2027, 5, 31, 0, tzinfo=STOCKHOLM)
    units = availability.grid_units(current, monday, monday + dt.timedelta(days=7))
    # Mon-Thu 9-18 (36 units, Wed to 19: 40), Fri 9-16 (28), Sat 10-14 (16), Sun closed
    assert len(units) == 36 * 3 + 40 + 28 + 16


def test_five_wrong_codes_within_15_minutes_lock_for_15_minutes_from_the_fifth() -> None:
    t0 = dt.datetime(2027, 3, 22, 9, tzinfo=dt.timezone.utc)
    minute = dt.timedelta(minutes=1)
    four = [t0 + i * minute for i in range(4)]
    assert not locked(four, t0 + 5 * minute)
    five = [*four, t0 + 10 * minute]
    assert locked(five, t0 + 10 * minute) and locked(five, t0 + 24 * minute)
    assert not locked(five, t0 + 25 * minute)
    spread = [t0 + i * 4 * minute for i in range(5)]  # 16 minutes from first to fifth
    assert not locked(spread, t0 + 17 * minute)


def test_search_terms_and_queries_fold_accents_and_read_numbers_as_people_type_them() -> None:
    terms = search.terms("Åsa Öberg-Ek", "asa@example.se", "+46709876543")
    assert ("name", "asa oberg-ek") in terms and ("name", "asa") in terms and ("name", "oberg-ek") in terms
    assert ("email", "asa@example.se") in terms
    assert {("phone", "46709876543"), ("phone", "0709876543")} <= terms
    assert search.parse("ÅSA  Ö") == [search.Query("name", "asa o")]
    assert search.parse("070-987 65") == [search.Query("phone", "07098765")]
    assert search.parse("+46 70 98") == [search.Query("phone", "467098")]
    assert search.parse("asa@ex") == [search.Query("email", "asa@ex")]
    assert search.parse("asa") == [search.Query("name", "asa"), search.Query("email", "asa")]
    assert search.parse("a") == [] and search.parse("  ") == []
