"""The owner's numbers in the table (repository): per-day aggregates, what each source put into them, and the
day each customer's first booking starts. Plain values in and out (dicts of counts); the reports' domain
(``chalicelib.reports``) decides what a booking or a ledger row counts for.

Every write is conditional on what was read (the day's ``version``, the source's ``sequence``), in one
TransactWriteItems, and read again when another writer came first, so the live stream and a rebuild can run
at once without a count lost or doubled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from . import tx
from .errors import ConditionFailed
from .models import Booking, PageCount, ReportDay, ReportSource
from .table import customer_pk, live

Counts = dict[str, int]
Contribution = dict[str, Counts]  # {"2026-03-02": {"bookings": 1, ...}}
ATTEMPTS = 20


def booking_source(booking_id: str) -> str:
    """The name a booking's contribution is kept under (its ``ReportSource``)."""
    return f"BOOKING#{booking_id}"


def ledger_source(booking_id: str, entry_type: str, stripe_object_id: str) -> str:
    """The name a ledger row's contribution is kept under (the row's own key)."""
    return f"LEDGER#{booking_id}#{entry_type}#{stripe_object_id}"


def page_day(item: PageCount) -> str:
    """The day a page count is of (``STATS#<yyyy-mm-dd>``)."""
    return item.pk.removeprefix("STATS#")


def _plain(value: Any) -> dict[str, Any]:
    """A raw MapAttribute's contents as plain dicts."""
    return dict(value.as_dict() if hasattr(value, "as_dict") else value or {})


def _clean(values: Mapping[str, Any]) -> Counts:
    return {str(k): int(v) for k, v in values.items() if int(v)}


def days(first: dt.date, last: dt.date) -> dict[str, Counts]:
    """The days' counts from ``first`` to ``last`` (inclusive): one Query per calendar year touched."""
    found: dict[str, Counts] = {}
    for year in range(first.year, last.year + 1):
        low, high = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
        for item in ReportDay.query(f"REPORT#{year:04d}", ReportDay.sk.between(low.isoformat(), high.isoformat())):
            counts = _clean(_plain(item.counts))
            if counts:  # a day emptied (a rebuild, a booking moved away) is no day with figures
                found[item.sk] = counts
    return found


def _read_day(day: str) -> tuple[Counts, int | None]:
    item = tx.get(ReportDay, ReportDay.key(day))
    if item is None:
        return {}, None
    return _clean(_plain(item.counts)), int(item.version)


def _day_write(t: tx.Tx, day: str, counts: Counts, version: int | None, now: dt.datetime) -> None:
    item = ReportDay(*ReportDay.key(day), counts=counts, version=(version or 0) + 1, updated_at=now)
    condition = ReportDay.pk.does_not_exist() if version is None else ReportDay.version == version
    t.put(f"day:{day}", item, condition)


def _add(into: Counts, delta: Mapping[str, int], sign: int) -> None:
    for key, value in delta.items():
        into[key] = into.get(key, 0) + sign * value
        if not into[key]:
            del into[key]


def _marker_expiry(contribution: Contribution) -> dt.datetime:
    """A source's marker lasts three years past its day (TTL): long after anything changes a booking or a payment,
    and a rebuild writes it again."""
    latest = max(contribution) if contribution else "1970-01-01"
    return dt.datetime.fromisoformat(latest).replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=3 * 366)


def apply(source: str, sequence: int, contribution: Contribution, now: dt.datetime) -> bool:
    """Replace what ``source`` put into the days with ``contribution`` (the record's sequence number: an
    older or repeated record changes nothing). True when anything was written."""
    for attempt in range(1, ATTEMPTS + 1):
        marker = tx.get(ReportSource, ReportSource.key(source))
        old: Contribution = {} if marker is None else {d: _clean(c) for d, c in _plain(marker.contribution).items()}
        if marker is not None and sequence and int(marker.sequence) >= sequence:
            return False
        new = {d: _clean(c) for d, c in contribution.items() if _clean(c)}
        if new == old:
            return False
        t = tx.Tx()
        for day in sorted(set(old) | set(new)):
            if old.get(day) == new.get(day):
                continue
            counts, version = _read_day(day)
            _add(counts, old.get(day, {}), -1)
            _add(counts, new.get(day, {}), +1)
            _day_write(t, day, counts, version, now)
        item = ReportSource(*ReportSource.key(source), contribution=new,
                            sequence=max(sequence, int(marker.sequence) if marker else 0),
                            expires_at=_marker_expiry(new or old))
        t.put("source", item, ReportSource.pk.does_not_exist() if marker is None
              else ReportSource.sequence == int(marker.sequence))
        try:
            t.commit()
            return True
        except ConditionFailed:
            tx.backoff(attempt)
    raise RuntimeError(f"report source {source} kept changing under {ATTEMPTS} attempts")


def set_count(day: str, key: str, value: int, now: dt.datetime) -> None:
    """Set one day's count to a value (a page's views as its PageCount says: seen twice, set twice)."""
    for attempt in range(1, ATTEMPTS + 1):
        counts, version = _read_day(day)
        if counts.get(key, 0) == value:
            return
        counts[key] = value
        t = tx.Tx()
        _day_write(t, day, _clean(counts), version, now)
        try:
            t.commit()
            return
        except ConditionFailed:
            tx.backoff(attempt)
    raise RuntimeError(f"report day {day} kept changing under {ATTEMPTS} attempts")


def first_booking(customer_id: str, now: dt.datetime) -> tuple[str, str] | None:
    """(Stockholm day, booking id) of the customer's first booking that is not cancelled, or None: that
    booking counts them as new. Read when one of their bookings is counted, so a first booking cancelled
    later leaves the next one uncounted as new until it changes or the period is rebuilt."""
    from ..core.clock import STOCKHOLM

    found = [(b.start, b.booking_id) for b in Booking.query(customer_pk(customer_id), Booking.sk.startswith("BOOKING#"),
                                                           filter_condition=live(now), consistent_read=True)
             if isinstance(b, Booking) and b.status != "cancelled"]
    if not found:
        return None
    start, booking_id = min(found)
    return start.astimezone(STOCKHOLM).date().isoformat(), booking_id


def replace(period: Iterable[str], day_counts: Mapping[str, Counts], sources: Mapping[str, Contribution],
            now: dt.datetime) -> int:
    """A rebuild's result: each day of ``period`` gets exactly ``day_counts`` (none: emptied), each source
    what it now contributes. Returns the number of items written."""
    from .tx import Write, write_all

    writes: list[Write] = []
    for date in period:
        counts = _clean(day_counts.get(date, {}))
        writes.append(Write(ReportDay(*ReportDay.key(date), counts=counts, version=int(now.timestamp()),
                                      updated_at=now), put=True))
    markers = {item.pk: int(item.sequence) for item in ReportSource.batch_get(
        [ReportSource.key(source) for source in sources])}  # BatchGetItem, a hundred keys a request
    for source, contribution in sources.items():
        key = ReportSource.key(source)
        writes.append(Write(ReportSource(*key, contribution=contribution, sequence=markers.get(key[0], 0),
                                         expires_at=_marker_expiry(contribution)), put=True))
    return len(write_all(writes).written)


def bookings_between(first: dt.date, last: dt.date, now: dt.datetime) -> list[Booking]:
    """Every live booking starting on those Stockholm days: one Query of gsi1 ``CAL#<yyyy-mm>`` per month
    (pattern 13), for the rebuild."""
    from ..core.clock import STOCKHOLM
    from .table import Item

    found: list[Booking] = []
    month = first.replace(day=1)
    while month <= last:
        for item in Item.by_gsi1.query(f"CAL#{month:%Y-%m}", filter_condition=live(now)):
            if isinstance(item, Booking) and first <= item.start.astimezone(STOCKHOLM).date() <= last:
                found.append(item)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def page_counts(day: dt.date, now: dt.datetime) -> dict[str, int]:
    """A day's page views by path (pattern 12: one Query), for the rebuild."""
    return {item.sk: int(item.views) for item in PageCount.query(f"STATS#{day.isoformat()}", filter_condition=live(now))
            if isinstance(item, PageCount)}
