"""Dates as the messages say them, in Swedish and English (Stockholm time)."""

from __future__ import annotations

import datetime as dt

from ..core import clock

WEEKDAYS = {
    "sv": ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def when(start: dt.datetime, end: dt.datetime | None, language: str) -> str:
    """``tisdag 30 mars 2027 kl. 09:00–09:30`` / ``Tuesday 30 March 2027, 09:00–09:30`` (Stockholm time)."""
    lang = "en" if language == "en" else "sv"
    begin = clock.local(start)
    day = f"{WEEKDAYS[lang][begin.weekday()]} {begin.day} {MONTHS[lang][begin.month - 1]} {begin.year}"
    times = f"{begin:%H:%M}" + (f"–{clock.local(end):%H:%M}" if end else "")
    return f"{day} kl. {times}" if lang == "sv" else f"{day}, {times}"
