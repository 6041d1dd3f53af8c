import datetime as dt

import pytest
from chalicelib.core import clinic


def test_the_packaged_clinic_file_is_valid() -> None:
    current = clinic.load()
    assert current.timezone == "Europe/Stockholm"
    assert "info@allavieclinic.com" in current.emails
    assert "hudateljén@allavieclinic.com" in current.emails
    assert current.phone == "063-512545"
    injections = [s for s in current.services if s.age_limit == 18]
    assert injections, "injection treatments are 18+ by Swedish law"
    for service in current.services:
        assert service.prepayment_sek <= service.price_sek
        assert set(service.staff) <= {s.id for s in current.staff}


def test_exceptions_win_over_weekly_hours() -> None:
    current = clinic.load()
    assert current.hours_on(dt.date(2026, 12, 24)) is None  # julafton, a Thursday
    assert current.hours_on(dt.date(2026, 12, 31)).closes == dt.time(13, 0)
    assert current.hours_on(dt.date(2026, 12, 29)).opens == dt.time(9, 0)
    assert current.hours_on(dt.date(2026, 12, 27)) is None  # a Sunday


BASE = {
    "clinic": {"name": "X", "organisation": "Y", "emails": ["a@b.se"], "phone": "1"},
    "staff": [{"id": "a", "name": "A"}],
    "services": [{"id": "s", "name": "S", "duration_minutes": 30, "price_sek": 100, "staff": ["a"]}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"services": [{**BASE["services"][0], "staff": ["nobody"]}]}, "unknown staff"),
        ({"services": [{**BASE["services"][0], "prepayment_sek": 200}]}, "more than the price"),
        ({"services": [{**BASE["services"][0], "duration_minutes": 20}]}, "multiple of"),
        ({"opening_hours": {"funday": ["09:00", "17:00"]}}, "not a weekday"),
        ({"opening_hours": {"monday": ["18:00", "09:00"]}}, "opens after it closes"),
        ({"exceptions": {"2026-13-01": None}}, "not a date"),
        ({"booking": {"slot_minuts": 15}}, "unknown settings"),
        # YAML reads `{sv: Rengöring, ångning, en: ...}` as three keys: the text would be cut at the comma.
        ({"services": [{**BASE["services"][0], "description": {"sv": "Rengöring", "ångning": None}}]},
         "keys other than sv and en"),
    ],
)
def test_a_bad_clinic_file_fails_at_load_naming_the_place(change: dict, message: str) -> None:
    with pytest.raises(clinic.ClinicFileError, match=message):
        clinic.parse({**BASE, **change})


def test_an_exception_may_carry_its_name_and_the_old_forms_stay_valid() -> None:
    parsed = clinic.parse({**BASE, "exceptions": {
        "2026-12-24": {"name": {"sv": "Julafton", "en": "Christmas Eve"}, "hours": None},
        "2026-12-31": {"name": "Nyårsafton", "hours": ["09:00", "13:00"]},
        "2027-01-06": None,
        "2027-01-07": ["10:00", "12:00"],
    }})
    assert parsed.hours_on(dt.date(2026, 12, 24)) is None
    assert parsed.exception_names[dt.date(2026, 12, 24)].get("en") == "Christmas Eve"
    assert parsed.hours_on(dt.date(2026, 12, 31)).closes == dt.time(13, 0)
    assert parsed.exception_names[dt.date(2026, 12, 31)].get("sv") == "Nyårsafton"
    assert parsed.hours_on(dt.date(2027, 1, 6)) is None and dt.date(2027, 1, 6) not in parsed.exception_names
    assert parsed.hours_on(dt.date(2027, 1, 7)).opens == dt.time(10, 0)


def test_an_exception_with_an_unknown_key_is_refused_by_its_path() -> None:
    with pytest.raises(clinic.ClinicFileError, match=r"exceptions.2026-12-24: unknown keys \['closed'\]"):
        clinic.parse({**BASE, "exceptions": {"2026-12-24": {"name": "Julafton", "closed": True}}})
