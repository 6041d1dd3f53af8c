"""The ``.ics`` file attached to booking e-mails (RFC 5545, via ``icalendar``).

Times are written as local Stockholm times with ``TZID=Europe/Stockholm`` and
a compact VTIMEZONE with the EU rules (last Sunday of March and of October), so
calendars place the appointment right on either side of a clock change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

TZID = "Europe/Stockholm"


def _vtimezone() -> Any:
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    zone = Timezone()
    zone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def vtimezone() -> Any:
    """Europe/Stockholm as a VTIMEZONE, for other calendar files (the staff's feed)."""
    return _vtimezone()


def booking_ics(*, uid: str, start: dt.datetime, end: dt.datetime, summary: str, location: str, description: str,
                organizer_email: str, sequence: int, now: dt.datetime, cancelled: bool = False, url: str | None = None) -> bytes:
    """One appointment as a calendar file: REQUEST when booked or moved, CANCEL when cancelled."""
    from icalendar import Calendar, Event  # only when a calendar file is written: off the cold start

    zone = ZoneInfo(TZID)
    calendar = Calendar()
    calendar.add("prodid", "-//Allavie AB//Hudateljen bokning//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_vtimezone())
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(dt.timezone.utc))
    event.add("dtstart", start.astimezone(zone))
    event.add("dtend", end.astimezone(zone))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("organizer", f"mailto:{organizer_email}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
