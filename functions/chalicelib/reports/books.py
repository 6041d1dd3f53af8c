"""The accountant's SIE file of a year or a month: the ledger's rows of that year (one Query of gsi1,
pattern 8), written by ``reports.sie``."""

from __future__ import annotations

import datetime as dt

from ..core import clinic as clinic_module
from ..core import clock
from ..payments import ledger
from . import sie


def rows(year: int, month: int | None, now: dt.datetime) -> list[ledger.Row]:
    """The period's rows, by day and the moment they were recorded."""
    found = [row for row in ledger.for_year(year, now) if month is None or row.booked_on.month == month]
    return sorted(found, key=lambda r: (r.booked_on, r.recorded_at, r.stripe_object_id))


def sie_file(year: int, month: int | None, now: dt.datetime) -> tuple[str, bytes]:
    """(file name, CP437 bytes) of the period's SIE 4I file."""
    body = sie.write(rows(year, month, now), clinic_module.current(), year, clock.local(now).date())
    return sie.file_name(year, month), body
