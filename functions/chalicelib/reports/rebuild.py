"""``allavie reports rebuild --from --to``: the per-day aggregates of a period computed again from the source
items (bookings by month, the ledger's rows by year, page counts by day), with the same rules as the stream
(``reports.counts``); each day of the period is then exactly that, and each source's marker says what it put
in, so the stream goes on from there. A booking moved out of the period since it was counted keeps its
old day's count until that day's period is rebuilt too."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..payments import ledger
from ..store import reports_repo as repository
from ..store.models import Booking
from . import counts, live


def compute(first: dt.date, last: dt.date, now: dt.datetime) -> tuple[
        dict[str, dict[str, int]], dict[str, dict[str, dict[str, int]]]]:
    """(the days' counts, each source's contribution) as they should be."""
    sources: dict[str, dict[str, dict[str, int]]] = {}
    firsts: dict[str, tuple[str, str] | None] = {}
    bookings: list[Booking] = repository.bookings_between(first, last, now)
    for item in bookings:
        if item.customer_id not in firsts:
            firsts[item.customer_id] = repository.first_booking(item.customer_id, now)
        sources[live.booking_source(item.booking_id)] = counts.booking(live.facts(item), firsts[item.customer_id])
    services = {item.booking_id: item.service_id for item in bookings}
    for year in range(first.year, last.year + 1):
        for row in ledger.for_year(year, now):
            if not first <= row.booked_on <= last:
                continue
            if row.booking_id not in services:
                services[row.booking_id] = live.service_of(row.booking_id, now)  # type: ignore[assignment]
            source = repository.ledger_source(row.booking_id, row.entry_type, row.stripe_object_id)
            sources[source] = counts.ledger_row(row.booked_on.isoformat(), row.entry_type, row.channel,
                                                row.amount_ore, services[row.booking_id])
    days: dict[str, dict[str, int]] = defaultdict(dict)
    for contribution in sources.values():
        for day, values in contribution.items():
            for key, value in values.items():
                days[day][key] = days[day].get(key, 0) + value
    current = first
    while current <= last:
        for path, views in repository.page_counts(current, now).items():
            days[current.isoformat()][f"page:{path}"] = views
        current += dt.timedelta(days=1)
    return dict(days), sources


def rebuild(first: dt.date, last: dt.date, now: dt.datetime) -> dict[str, int]:
    """Recompute and write the period; returns what was written."""
    days, sources = compute(first, last, now)
    period = [(first + dt.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    written = repository.replace(period, days, sources, now)
    return {"days": len(period), "sources": len(sources), "written": written}
