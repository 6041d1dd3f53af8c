"""The record of data-subject requests (pattern 11): what, when, outcome.

GDPR art. 12(3) gives the clinic one month to answer; these records show it
did, month by month, without saying who asked (no name, address, phone or
customer id is ever written here).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from ..core.clock import STOCKHOLM, end_of_day, local
from ..store import records_repo, tx
from ..store.models import RightsRequest

TYPES = ("access", "rectification", "erasure", "marketing", "link")
CHANNELS = ("web", "operator", "staff")  # staff: answered from the back office
KEEP_MONTHS = 36  # long enough to answer a supervisory authority's question about an old request


def month_key(moment: dt.datetime) -> str:
    return records_repo.rights_month(local(moment).date())


def record(
    request_type: str,
    channel: str,
    outcome: str,
    now: dt.datetime,
    *,
    received_at: dt.datetime | None = None,
) -> RightsRequest:
    """Write one answered request. ``received_at`` defaults to ``now`` (answered at once)."""
    if request_type not in TYPES or channel not in CHANNELS:
        raise ValueError(f"unknown request {request_type!r} by {channel!r}")
    received = received_at or now
    request_id = secrets.token_hex(8)
    item = RightsRequest(
        *records_repo.rights_key(local(received).date(), received, request_id),
        request_id=request_id,
        request_type=request_type,
        channel=channel,
        received_at=received,
        answered_at=now,
        outcome=outcome,
        expires_at=end_of_day(local(received).date() + relativedelta(months=KEEP_MONTHS)),
    )
    tx.put(item)
    return item


@dataclass(frozen=True)
class ReportLine:
    request_id: str
    request_type: str
    channel: str
    received_at: dt.datetime
    answered_at: dt.datetime | None
    outcome: str | None
    deadline: dt.datetime

    @property
    def in_time(self) -> bool:
        return self.answered_at is not None and self.answered_at <= self.deadline


def deadline(received_at: dt.datetime) -> dt.datetime:
    """One calendar month after receipt, to the end of that day in Stockholm."""
    return end_of_day(local(received_at).date() + relativedelta(months=1))


def month(year: int, month_number: int, now: dt.datetime) -> list[ReportLine]:
    """The requests received in one Stockholm calendar month, oldest first (one Query)."""
    lines = []
    for item in records_repo.rights_requests(dt.date(year, month_number, 1), now):
        lines.append(ReportLine(
            request_id=item.request_id, request_type=item.request_type, channel=item.channel,
            received_at=item.received_at, answered_at=item.answered_at, outcome=item.outcome,
            deadline=deadline(item.received_at),
        ))
    return lines


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` -> (year, month); ValueError otherwise."""
    parsed = dt.datetime.strptime(text, "%Y-%m").replace(tzinfo=STOCKHOLM)
    return parsed.year, parsed.month
