"""Staff and sessions (pattern 14 of docs/architecture.md): a member's enrolment and wrong codes under
``STAFF#<id>``; sessions, sign-in links and feed keys are GetItems by their digest (``tx.get``)."""

from __future__ import annotations

import datetime as dt

from .engine import Query, Range, engine
from .models import SignInFailure, staff_pk


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def failure_key(staff_id: str, at: dt.datetime, nonce: str) -> tuple[str, str]:
    """One wrong code: ``STAFF#<id>`` / ``FAIL#<at>#<nonce>`` (two at the same moment stay two)."""
    return staff_pk(staff_id), f"{SignInFailure.prefix()}{_stamp(at)}#{nonce}"


def failures_since(staff_id: str, since: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """Pattern 14: when the member's live wrong codes from ``since`` on were typed (one consistent Query)."""
    low, high = f"{SignInFailure.prefix()}{_stamp(since)}", SignInFailure.prefix() + "~"
    found = engine().query(Query(staff_pk(staff_id), Range("between", low, high), model=SignInFailure,
                                 consistent=True))
    return [f.at for f in found if isinstance(f, SignInFailure) and f.is_live(now)]
