"""How long personal data lives: the notice promises "36 månader efter
senaste besök" (36 months after the last visit).

Pure: no storage, no clock of its own. The last visit is the latest
appointment that was not cancelled (one booked ahead counts: it becomes the
last visit); a customer with none counts from their latest booking activity.
A complaint (reklamation) is kept "i syfte att kunna hantera eventuella reklamations- och
garantiärenden": 36 months after it is closed, if that is later (an open one counts from
its latest message, so it is never due while the clinic still handles it).
Calendar months in Stockholm, clamped at month ends (2028-02-29 -> 2031-02-28);
the data is gone after the end of that day in Stockholm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta

from ..core.clock import STOCKHOLM, end_of_day

RETENTION_MONTHS = 36
BOOKKEEPING_YEARS = 7  # Bokföringslagen 7 kap. 2 §: to the end of the 7th year after the year


def retention_day(last_visit: dt.date) -> dt.date:
    """The last day on which the data may be kept."""
    return last_visit + relativedelta(months=RETENTION_MONTHS)


def last_visit(appointments: Iterable[tuple[dt.datetime, bool]]) -> dt.date | None:
    """The Stockholm date of the latest appointment that was not cancelled.

    ``appointments`` are ``(start, cancelled)`` pairs.
    """
    days = [start.astimezone(STOCKHOLM).date() for start, cancelled in appointments if not cancelled]
    return max(days) if days else None


def customer_expiry(
    appointments: Iterable[tuple[dt.datetime, bool]],
    last_activity: dt.datetime,
    complaints: Iterable[dt.datetime] = (),
) -> dt.datetime:
    """When a customer's personal data must be gone (UTC, for the TTL attribute).

    ``complaints``: when each complaint was closed (or, if open, last written to).
    """
    anchor = last_visit(appointments) or last_activity.astimezone(STOCKHOLM).date()
    handled = [moment.astimezone(STOCKHOLM).date() for moment in complaints]
    return end_of_day(retention_day(max([anchor, *handled])))


def bookkeeping_expiry(booked_on: dt.date) -> dt.datetime:
    """Accounting records: kept until the end of the seventh year after their year."""
    return end_of_day(dt.date(booked_on.year + BOOKKEEPING_YEARS, 12, 31))
