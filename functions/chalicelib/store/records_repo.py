"""Records without personal data: page counts (statistics, pattern 12), cookie proofs (9), the log of
data-subject requests (11) and deletion records (10). Their keys are built here."""

from __future__ import annotations

import datetime as dt

from .engine import Query, engine
from .models import CookieConsent, PageCount, RightsRequest


def page_count_key(day: dt.date, path: str) -> tuple[str, str]:
    return f"STATS#{day.isoformat()}", path


def page_counts(day: dt.date, now: dt.datetime) -> list[PageCount]:
    """Pattern 12: the live counts of one Stockholm day (one Query)."""
    found = engine().query(Query(page_count_key(day, "")[0], model=PageCount, live_at=now))
    return [count for count in found if isinstance(count, PageCount)]


def cookie_key(consent_id: str, given_at: dt.datetime) -> tuple[str, str]:
    return f"COOKIE#{consent_id}", given_at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def cookie_proofs(consent_id: str, now: dt.datetime) -> list[CookieConsent]:
    """Pattern 9: every live choice made under one id, oldest first."""
    found = engine().query(Query(f"COOKIE#{consent_id}", model=CookieConsent, live_at=now))
    return [proof for proof in found if isinstance(proof, CookieConsent)]


def rights_month(month: dt.date) -> str:
    """The partition of the requests received in a Stockholm month (``month``: any day of it)."""
    return f"DSR#{month:%Y-%m}"


def rights_key(month: dt.date, received_at: dt.datetime, request_id: str) -> tuple[str, str]:
    return rights_month(month), f"{received_at.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%S.%fZ}#{request_id}"


def rights_requests(month: dt.date, now: dt.datetime) -> list[RightsRequest]:
    """Pattern 11: the live requests received in one Stockholm month, oldest first (one Query)."""
    found = engine().query(Query(rights_month(month), model=RightsRequest, live_at=now))
    return [request for request in found if isinstance(request, RightsRequest)]


def deletion_key(month: dt.date, deleted_at: dt.datetime, record_id: str) -> tuple[str, str]:
    return f"DELETIONS#{month:%Y-%m}", f"{deleted_at.astimezone(dt.timezone.utc).isoformat(timespec='seconds')}#{record_id}"
