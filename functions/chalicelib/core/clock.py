"""The one source of "now". Tests and the operator's ``--as-of`` move it."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.timezone.utc


def now() -> dt.datetime:
    """The current time, timezone-aware in UTC.

    ``ALLAVIE_NOW`` (ISO 8601) pins it for local runs and tests that go
    through ``chalice local``; it is never set in AWS.
    """
    pinned = os.environ.get("ALLAVIE_NOW")
    if pinned:
        return dt.datetime.fromisoformat(pinned).astimezone(UTC)
    return dt.datetime.now(UTC)


def epoch(moment: dt.datetime) -> int:
    """Seconds since the epoch, the storage form of a moment."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return int(moment.timestamp())


def from_epoch(seconds: int | float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds), UTC)


def local(moment: dt.datetime) -> dt.datetime:
    """A moment as people in the clinic see it."""
    return moment.astimezone(STOCKHOLM)


def iso_local(moment: dt.datetime) -> str:
    """ISO 8601 with the Stockholm offset, as the API speaks."""
    return local(moment).isoformat(timespec="seconds")


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` ends in Stockholm (right on DST days)."""
    next_day = day + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time(0), STOCKHOLM).astimezone(UTC)
