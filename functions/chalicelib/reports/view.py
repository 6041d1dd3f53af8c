"""``GET /staff/reports``: a period's figures from the per-day aggregates (one Query per calendar year the
period touches, the same for the period before), with the available minutes computed from the clinic file's
hours and staff. Money in kronor (two decimals), minutes and counts as whole numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..core.clinic import Clinic
from ..core.errors import Invalid
from ..store import reports_repo as repository
from . import counts, revenue

MAX_DAYS = 366
COUNTS = ("bookings", "cancelled_by_customer", "cancelled_by_clinic", "no_shows", "completed")
CSV_COLUMNS = ("date", *COUNTS, *(f"revenue_{kind}_sek" for kind in revenue.KINDS), "booked_minutes",
               "available_minutes", "page_views")


def period(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    """The checked range (inclusive): 400 naming the field when it runs backwards or over 366 days."""
    problems = {}
    if first is None:
        problems["from"] = "date"
    if last is None:
        problems["to"] = "date"
    if first is not None and last is not None:
        if last < first:
            problems["to"] = "range_order"
        elif (last - first).days + 1 > MAX_DAYS:
            problems["to"] = "range_too_long_366"
    if problems or first is None or last is None:
        raise Invalid(fields=problems)
    return first, last


def _sek(ore: int) -> float:
    return round(ore / 100, 2)


def _working(clinic: Clinic) -> list[str]:
    """The staff who give treatments (their hours are the time that could be booked)."""
    giving = {staff_id for service in clinic.services for staff_id in service.staff}
    return [member.id for member in clinic.staff if member.id in giving]


def available(clinic: Clinic, day: dt.date, staff_id: str) -> int:
    hours = clinic.staff_hours_on(staff_id, day)
    if hours is None:
        return 0
    start = dt.datetime.combine(day, hours.opens)
    return int((dt.datetime.combine(day, hours.closes) - start).total_seconds() // 60)


def day_figures(day: dt.date, values: Mapping[str, int], clinic: Clinic) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        **{key: int(values.get(key, 0)) for key in COUNTS},
        "revenue_sek": {kind: _sek(values.get(f"rev:{kind}", 0)) for kind in revenue.KINDS},
        "booked_minutes": int(values.get("booked_minutes", 0)),
        "available_minutes": sum(available(clinic, day, staff_id) for staff_id in _working(clinic)),
        "page_views": sum(v for k, v in values.items() if k.startswith("page:")),
    }


def _total(days: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {key: sum(d[key] for d in days) for key in (*COUNTS, "booked_minutes",
                                                                         "available_minutes", "page_views")}
    total["revenue_sek"] = {kind: round(sum(d["revenue_sek"][kind] for d in days), 2) for kind in revenue.KINDS}
    total["no_show_rate"] = round(total["no_shows"] / total["bookings"], 4) if total["bookings"] else 0.0
    return total


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def report(first: dt.date, last: dt.date, clinic: Clinic) -> dict[str, Any]:
    """The period's figures and, for comparison, the totals of the same number of days just before."""
    length = (last - first).days + 1
    before_last = first - dt.timedelta(days=1)
    before_first = before_last - dt.timedelta(days=length - 1)
    stored = repository.days(before_first, last)  # both periods: one Query per calendar year touched
    days = [day_figures(day, stored.get(day.isoformat(), {}), clinic) for day in _span(first, last)]
    previous = [day_figures(day, stored.get(day.isoformat(), {}), clinic) for day in _span(before_first, before_last)]
    sums: dict[str, int] = defaultdict(int)
    for day in _span(first, last):
        for key, value in stored.get(day.isoformat(), {}).items():
            sums[key] += value
    services = sorted({key.split(":")[1] for key in sums if key.startswith("svc:")})
    by_service: list[dict[str, Any]] = [
        {"service": s, "name": _service_name(clinic, s), "bookings": sums.get(f"svc:{s}:bookings", 0),
         "revenue_sek": _sek(sums.get(f"svc:{s}:rev", 0))} for s in services]
    by_service.sort(key=lambda row: (-int(row["bookings"]), -float(row["revenue_sek"]), str(row["service"])))
    staff_ids = list(dict.fromkeys([*_working(clinic), *(k.split(":")[1] for k in sums if k.startswith("staff:"))]))
    by_staff = [{"staff": s, "name": _staff_name(clinic, s), "booked_minutes": sums.get(f"staff:{s}:minutes", 0),
                 "available_minutes": sum(available(clinic, day, s) for day in _span(first, last))}
                for s in staff_ids]
    pages = [{"path": path, "views": -negative} for negative, path in
             sorted((-v, k.removeprefix("page:")) for k, v in sums.items() if k.startswith("page:"))]
    return {
        "from": first.isoformat(), "to": last.isoformat(),
        "totals": _total(days), "previous": {"from": before_first.isoformat(), "to": before_last.isoformat(),
                                            **_total(previous)},
        "days": days, "by_service": by_service, "by_staff": by_staff,
        "customers": {"new": sums.get(counts.NEW_CUSTOMERS, 0), "returning": sums.get("returning", 0)},
        "pages": pages,
        "gift_card_liability_sek": 0.0,  # gift cards do not exist yet (issue 26): nothing is outstanding
    }


def _service_name(clinic: Clinic, service_id: str) -> str:
    found = clinic.service(service_id)
    return found.name.sv if found is not None else service_id


def _staff_name(clinic: Clinic, staff_id: str) -> str:
    found = clinic.staff_member(staff_id)
    return found.name if found is not None else staff_id


def as_csv(figures: Mapping[str, Any]) -> str:
    """The days as CSV: a ``date`` column and one per day key (``revenue_sek.online`` as ``revenue_online_sek``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for day in figures["days"]:
        writer.writerow([day["date"], *(day[key] for key in COUNTS),
                         *(f"{day['revenue_sek'][kind]:.2f}" for kind in revenue.KINDS),
                         day["booked_minutes"], day["available_minutes"], day["page_views"]])
    return out.getvalue()
