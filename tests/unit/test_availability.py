"""Availability, pure: the grid, opening hours, notice, locks, and the two clock changes of 2027."""

import datetime as dt

import pytest
from chalicelib.booking import availability
from chalicelib.booking.availability import Lock
from chalicelib.core import clinic

pytestmark = pytest.mark.any_day  # availability on any day: the clock pinned to each of conftest.INSTANTS too

UTC = dt.timezone.utc
CLINIC = clinic.load()


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


def local_times(slots: list[availability.Slot]) -> list[str]:
    return [s.start.astimezone(CLINIC.tz).isoformat(timespec="minutes") for s in slots]


def night_clinic() -> clinic.Clinic:
    """The real file, but open on Sunday nights, so that the hours cross the clock change itself."""
    import yaml

    data = yaml.safe_load(clinic.DEFAULT_PATH.read_text(encoding="utf-8"))
    data["opening_hours"]["sunday"] = ["00:00", "06:00"]
    return clinic.parse(data)


EARLY = utc("2027-01-01T12:00:00+01:00")


def test_a_spring_forward_night_has_no_slot_in_the_missing_hour() -> None:
    night = night_clinic()
    service = night.service("konsultation")
    slots = availability.free_slots(night, service, dt.date(2027, 3, 28), dt.date(2027, 3, 28), EARLY, [])
    times = local_times(slots)
    assert times[:2] == ["2027-03-28T00:00+01:00", "2027-03-28T00:15+01:00"]
    # 01:45 winter time is followed by 03:00 summer time: 02:xx does not exist that night.
    i = times.index("2027-03-28T01:45+01:00")
    assert times[i + 1] == "2027-03-28T03:00+02:00"
    assert not any("T02:" in t for t in times)
    assert times[-1] == "2027-03-28T05:30+02:00"  # a 30-minute treatment ends at 06:00 closing
    # 00:00 to 06:00 that night is five real hours: 19 starts of 30 minutes every 15 minutes.
    assert len(slots) == 19
    gaps = {b.start - a.start for a, b in zip(slots, slots[1:])}
    assert gaps == {dt.timedelta(minutes=15)}
    assert all(s.end - s.start == dt.timedelta(minutes=30) for s in slots)


def test_a_fall_back_night_offers_the_repeated_hour_twice_at_its_real_instants() -> None:
    night = night_clinic()
    service = night.service("konsultation")
    slots = availability.free_slots(night, service, dt.date(2027, 10, 31), dt.date(2027, 10, 31), EARLY, [])
    times = local_times(slots)
    assert "2027-10-31T02:30+02:00" in times and "2027-10-31T02:30+01:00" in times
    assert times.index("2027-10-31T02:45+02:00") + 1 == times.index("2027-10-31T02:00+01:00")
    assert len(slots) == 27  # seven real hours
    assert len({s.start for s in slots}) == len(slots)
    gaps = {b.start - a.start for a, b in zip(slots, slots[1:])}
    assert gaps == {dt.timedelta(minutes=15)}


def test_opening_hours_keep_their_wall_clock_time_on_both_sides_of_each_change() -> None:
    service = CLINIC.service("konsultation")
    spring = availability.free_slots(CLINIC, service, dt.date(2027, 3, 26), dt.date(2027, 3, 31), EARLY, [])
    autumn = availability.free_slots(CLINIC, service, dt.date(2027, 10, 29), dt.date(2027, 11, 2), EARLY, [])

    def first_of(slots: list[availability.Slot], day: str) -> str:
        return next(t for t in local_times(slots) if t.startswith(day))

    assert first_of(spring, "2027-03-27") == "2027-03-27T10:00+01:00"   # Saturday, winter time
    assert first_of(spring, "2027-03-30") == "2027-03-30T09:00+02:00"   # Tuesday, summer time
    assert first_of(autumn, "2027-10-30") == "2027-10-30T10:00+02:00"
    assert first_of(autumn, "2027-11-01") == "2027-11-01T09:00+01:00"
    # Closed: Good Friday, the two Sundays of the change, Easter Monday.
    for day in ("2027-03-26", "2027-03-28", "2027-03-29", "2027-10-31"):
        assert not any(t.startswith(day) for t in local_times(spring + autumn))
    # The last start of a Saturday (10-14) for a 30-minute treatment is 13:30 local, on either side.
    assert [t for t in local_times(spring) if t.startswith("2027-03-27")][-1] == "2027-03-27T13:30+01:00"
    assert [t for t in local_times(autumn) if t.startswith("2027-10-30")][-1] == "2027-10-30T13:30+02:00"


def test_units_cover_the_treatment_and_its_buffer_on_the_grid() -> None:
    assert availability.unit_count(CLINIC, CLINIC.service("konsultation")) == 3      # 30 + 10 -> 45 min
    assert availability.unit_count(CLINIC, CLINIC.service("kemisk-peeling")) == 4    # 45 + 10 -> 60 min
    assert availability.unit_count(CLINIC, CLINIC.service("ansiktsbehandling")) == 5  # 60 + 10 -> 75 min
    start = utc("2027-03-30T10:00:00+02:00")
    assert availability.units(CLINIC, CLINIC.service("konsultation"), start) == [
        start, start + dt.timedelta(minutes=15), start + dt.timedelta(minutes=30)]


def test_a_longer_treatment_blocks_overlapping_shorter_ones_for_that_staff_member_only() -> None:
    facial = CLINIC.service("ansiktsbehandling")
    peel = CLINIC.service("kemisk-peeling")
    start = utc("2027-03-30T10:00:00+02:00")
    locks = [Lock("sara", u) for u in availability.units(CLINIC, facial, start)]
    slots = availability.free_slots(CLINIC, peel, dt.date(2027, 3, 30), dt.date(2027, 3, 30), EARLY, locks)
    by_time = {s.start.astimezone(CLINIC.tz).strftime("%H:%M"): s.staff for s in slots}
    assert by_time["09:00"] == ("sara", "elin")   # 09:00-09:45 + buffer ends 10:00
    assert by_time["09:15"] == ("elin",)          # would run into 10:00
    for blocked in ("10:00", "10:30", "11:00"):
        assert by_time[blocked] == ("elin",)
    assert by_time["11:15"] == ("sara", "elin")   # 60 min + 10 buffer, rounded to the grid
    only_sara = availability.free_slots(CLINIC, peel, dt.date(2027, 3, 30), dt.date(2027, 3, 30), EARLY, locks, "sara")
    assert "10:30" not in {s.start.astimezone(CLINIC.tz).strftime("%H:%M") for s in only_sara}


def test_lapsed_payment_holds_are_free_and_live_ones_are_not() -> None:
    service = CLINIC.service("konsultation")
    start = utc("2027-03-30T10:00:00+02:00")
    now = utc("2027-03-20T12:00:00+01:00")
    live = [Lock("anna", u, hold_until=now + dt.timedelta(minutes=5)) for u in availability.units(CLINIC, service, start)]
    lapsed = [Lock("anna", u, hold_until=now - dt.timedelta(seconds=1)) for u in availability.units(CLINIC, service, start)]
    day = dt.date(2027, 3, 30)
    free = {s.start: s.staff for s in availability.free_slots(CLINIC, service, day, day, now, live, "anna")}
    assert start not in free
    free = {s.start: s.staff for s in availability.free_slots(CLINIC, service, day, day, now, lapsed, "anna")}
    assert free[start] == ("anna",)


def test_no_slots_in_the_past_or_within_the_notice() -> None:
    service = CLINIC.service("konsultation")
    now = utc("2027-03-30T10:05:00+02:00")
    slots = availability.free_slots(CLINIC, service, dt.date(2027, 3, 30), dt.date(2027, 3, 30), now, [])
    assert local_times(slots)[0] == "2027-03-30T12:15+02:00"  # 2 hours' notice, on the grid


@pytest.mark.parametrize(("start", "problem"), [
    ("2027-03-30T08:00:00+02:00", "past"),
    ("2027-03-30T11:00:00+02:00", "too_soon"),
    ("2027-04-06T08:45:00+02:00", "outside_hours"),
    ("2027-04-06T17:45:00+02:00", "outside_hours"),   # would end after 18:00
    ("2027-04-04T10:00:00+02:00", "outside_hours"),   # Sunday
    ("2027-05-06T10:00:00+02:00", "outside_hours"),   # Ascension Day, an exception in the file
    ("2027-04-06T10:05:00+02:00", "not_a_slot"),
    ("2027-04-06T10:15:00+02:00", None),
    ("2027-04-06T08:15:00+01:00", None),              # the same instant written with another offset
])
def test_check_start(start: str, problem: str | None) -> None:
    now = utc("2027-03-30T09:30:00+02:00")
    assert availability.check_start(CLINIC, CLINIC.service("konsultation"), utc(start), now) == problem
