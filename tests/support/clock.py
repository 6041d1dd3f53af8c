"""The tests' "now" and "today" when they choose their own dates, and the days the clinic is open.

``ALLAVIE_TEST_NOW`` (ISO 8601 with an offset) runs the tests as if it were then: these helpers
answer from it, and the fixtures hand it to the app as ``ALLAVIE_NOW`` (in process and to
``chalice local``) and to Chromium's clock. Unset, both are the real clock. A test that pins its
own moment with ``ALLAVIE_NOW`` needs none of this; a test that books "in two days" must choose
the day here, from the clinic's hours, never with ``date.today()`` and a weekday it hopes for.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

from chalicelib.core import clinic, clock

ENV = "ALLAVIE_TEST_NOW"
STOCKHOLM = clock.STOCKHOLM
UTC = dt.timezone.utc


def pinned() -> str | None:
    """The moment the run is pinned to (ISO 8601), or None for the real clock."""
    return os.environ.get(ENV) or None


def now() -> dt.datetime:
    """The test run's now, timezone-aware in UTC."""
    moment = pinned()
    return dt.datetime.fromisoformat(moment).astimezone(UTC) if moment else dt.datetime.now(UTC)


def today() -> dt.date:
    """Today in Stockholm, where the clinic's days begin and end."""
    return now().astimezone(STOCKHOLM).date()


def open_days(after: int = 2, staff: str | None = None, weekdays: bool = False) -> Iterator[dt.date]:
    """The days from ``after`` days after today on which the clinic (or ``staff``) works, in order;
    ``weekdays`` only Monday to Friday. Endless within the booking horizon."""
    data = clinic.current()
    day = today() + dt.timedelta(days=after)
    last = today() + dt.timedelta(days=data.rules.horizon_days - 1)
    while day <= last:
        hours = data.staff_hours_on(staff, day) if staff else data.hours_on(day)
        if hours is not None and (not weekdays or day.weekday() < 5):
            yield day
        day += dt.timedelta(days=1)


def open_day(after: int = 2, staff: str | None = None, weekdays: bool = False) -> dt.date:
    """The first day from ``after`` days on that the clinic (or ``staff``) works."""
    return next(open_days(after, staff, weekdays))


def closes(day: dt.date, staff: str | None = None) -> str:
    """When the clinic (or ``staff``) stops working on ``day``, "HH:MM"."""
    data = clinic.current()
    hours = data.staff_hours_on(staff, day) if staff else data.hours_on(day)
    assert hours is not None, f"closed on {day}"
    return hours.closes.strftime("%H:%M")
