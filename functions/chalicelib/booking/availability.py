"""Free times, computed from the clinic file and the time units already taken.

Pure: no storage and no clock of its own (``now`` is given). Times are
aware datetimes in UTC; days and opening hours are Stockholm's (the clinic's
time zone). Each day's grid is laid out in absolute time from that day's
opening, so on the days the clocks change (2027-03-28, 2027-10-31) an hour
that does not exist is never offered and one that happens twice is offered
twice, each at its real instant.

A booking holds one unit (``slot_minutes``) per grid step that its treatment
plus the cleaning buffer touches; two bookings of one staff member overlap
exactly when they share a unit, whatever their lengths. Blocked time (a sick
day, a course, lunch) marks units too: no treatment may touch one (its
cleaning buffer may). A staff member with working hours of their own is
offered only within them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..core.clinic import Clinic, Service

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    staff: tuple[str, ...]  # the staff members free then


@dataclass(frozen=True)
class Lock:
    """A unit taken in storage: by a booking, or by a payment hold until ``hold_until``."""

    staff_id: str
    unit: dt.datetime
    hold_until: dt.datetime | None = None
    blocked: bool = False  # a block's marker, not a booking's lock

    def holds(self, now: dt.datetime) -> bool:
        return self.hold_until is None or self.hold_until > now


def step(clinic: Clinic) -> dt.timedelta:
    return dt.timedelta(minutes=clinic.rules.slot_minutes)


def unit_count(clinic: Clinic, service: Service) -> int:
    """How many grid units a booking of ``service`` holds (treatment + buffer, rounded up)."""
    return math.ceil((service.duration_minutes + clinic.rules.buffer_minutes) / clinic.rules.slot_minutes)


def units(clinic: Clinic, service: Service, start: dt.datetime) -> list[dt.datetime]:
    """The units a booking starting at ``start`` holds, in UTC."""
    begin = start.astimezone(UTC)
    return [begin + i * step(clinic) for i in range(unit_count(clinic, service))]


def treatment_units(clinic: Clinic, service: Service, start: dt.datetime) -> list[dt.datetime]:
    """The units the treatment itself covers (no buffer): what blocked time forbids."""
    return units_from(clinic, start, math.ceil(service.duration_minutes / clinic.rules.slot_minutes))


def units_from(clinic: Clinic, start: dt.datetime, count: int) -> list[dt.datetime]:
    begin = start.astimezone(UTC)
    return [begin + i * step(clinic) for i in range(count)]


def opening(clinic: Clinic, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
    """The day's opening and closing instants in UTC, or None when closed."""
    hours = clinic.hours_on(day)
    if hours is None:
        return None
    opens = dt.datetime.combine(day, hours.opens, clinic.tz).astimezone(UTC)
    closes = dt.datetime.combine(day, hours.closes, clinic.tz).astimezone(UTC)
    return opens, closes


def day_starts(clinic: Clinic, service: Service, day: dt.date) -> list[dt.datetime]:
    """Every grid time of ``day`` at which ``service`` fits before closing."""
    span = opening(clinic, day)
    if span is None:
        return []
    opens, closes = span
    duration = dt.timedelta(minutes=service.duration_minutes)
    starts = []
    moment = opens
    while moment + duration <= closes:
        starts.append(moment)
        moment += step(clinic)
    return starts


def earliest(clinic: Clinic, now: dt.datetime) -> dt.datetime:
    """No booking closer to its start than the notice."""
    return now + dt.timedelta(minutes=clinic.rules.min_notice_minutes)


def check_start(clinic: Clinic, service: Service, start: dt.datetime, now: dt.datetime, *,
                notice: bool = True) -> str | None:
    """Why ``start`` cannot be booked regardless of other bookings (a field message key), or None.
    ``notice``: the online rule of ``min_notice_minutes`` (staff booking a caller have none)."""
    if start <= now:
        return "past"
    day = start.astimezone(clinic.tz).date()
    if start not in day_starts(clinic, service, day):
        span = opening(clinic, day)
        duration = dt.timedelta(minutes=service.duration_minutes)
        if span is None or start < span[0] or start + duration > span[1]:
            return "outside_hours"
        return "not_a_slot"
    if notice and start < earliest(clinic, now):
        return "too_soon"
    if start > clinic.rules.horizon(now):
        return "too_far"
    return None


def works(clinic: Clinic, staff_id: str, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the staff member works the whole of ``start``..``end`` (their own hours, if any)."""
    day = start.astimezone(clinic.tz).date()
    hours = clinic.staff_hours_on(staff_id, day)
    if hours is None:
        return False
    opens = dt.datetime.combine(day, hours.opens, clinic.tz).astimezone(UTC)
    closes = dt.datetime.combine(day, hours.closes, clinic.tz).astimezone(UTC)
    return opens <= start and end <= closes


def grid_units(clinic: Clinic, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Every grid unit within opening hours that overlaps ``start``..``end`` (what a block marks)."""
    found = []
    first = start.astimezone(clinic.tz).date()
    last = (end - dt.timedelta(microseconds=1)).astimezone(clinic.tz).date()
    for day in days(first, last):
        span = opening(clinic, day)
        if span is None:
            continue
        unit = span[0]
        while unit < span[1]:
            if unit < end and unit + step(clinic) > start:
                found.append(unit)
            unit += step(clinic)
    return found


def taken_units(locks: Iterable[Lock], now: dt.datetime) -> dict[str, set[dt.datetime]]:
    """Per staff member, the units held now by bookings (lapsed payment holds are free again)."""
    taken: dict[str, set[dt.datetime]] = {}
    for lock in locks:
        if not lock.blocked and lock.holds(now):
            taken.setdefault(lock.staff_id, set()).add(lock.unit.astimezone(UTC))
    return taken


def blocked_units(locks: Iterable[Lock]) -> dict[str, set[dt.datetime]]:
    """Per staff member, the units of their blocked time."""
    blocked: dict[str, set[dt.datetime]] = {}
    for lock in locks:
        if lock.blocked:
            blocked.setdefault(lock.staff_id, set()).add(lock.unit.astimezone(UTC))
    return blocked


def free_staff(clinic: Clinic, service: Service, start: dt.datetime, candidates: Iterable[str],
               taken: Mapping[str, set[dt.datetime]],
               blocked: Mapping[str, set[dt.datetime]] | None = None) -> tuple[str, ...]:
    """The candidates who work then, with none of the units taken and none of the treatment's blocked."""
    needed = units(clinic, service, start)
    treatment = treatment_units(clinic, service, start)
    end = start + dt.timedelta(minutes=service.duration_minutes)
    blocked = blocked or {}
    return tuple(s for s in candidates
                 if works(clinic, s, start, end) and not any(u in taken.get(s, ()) for u in needed)
                 and not any(u in blocked.get(s, ()) for u in treatment))


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def window(clinic: Clinic, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants from the first day's start to the last day's end (for reading locks)."""
    begin = dt.datetime.combine(first, dt.time(0), clinic.tz).astimezone(UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), clinic.tz).astimezone(UTC)
    return begin, end


def free_slots(
    clinic: Clinic,
    service: Service,
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
    locks: Iterable[Lock],
    staff_id: str | None = None,
    notice: bool = True,
) -> list[Slot]:
    """Bookable times of ``service`` from ``first`` to ``last`` (Stockholm dates, inclusive);
    ``notice=False``: from now on (staff booking a caller)."""
    candidates = (staff_id,) if staff_id else service.staff
    locks = list(locks)
    taken, blocked = taken_units(locks, now), blocked_units(locks)
    not_before = earliest(clinic, now) if notice else now + dt.timedelta(microseconds=1)
    not_after = clinic.rules.horizon(now)
    duration = dt.timedelta(minutes=service.duration_minutes)
    slots = []
    for day in days(first, last):
        for start in day_starts(clinic, service, day):
            if start < not_before or start > not_after:
                continue
            free = free_staff(clinic, service, start, candidates, taken, blocked)
            if free:
                slots.append(Slot(start, start + duration, free))
    return slots
