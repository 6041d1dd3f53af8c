"""Attempts per subject and time window, counted in the table (RateLimit items): links, sign-in codes.

The subject (an e-mail address) is stored only as a keyed hash, so the
counter is no list of addresses; each window's item expires (TTL) after the
next window has begun.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from ..core import secret_store
from . import tx
from .models import RateLimit


def subject_key(scope: str, subject: str) -> str:
    """The partition of one subject's counters: ``RATE#<keyed hash>``."""
    secret = secret_store.get("LINK_SIGNING_KEY").encode("utf-8")
    digest = hmac.new(secret, f"{scope}\x00{subject}".encode(), hashlib.sha256).hexdigest()
    return f"RATE#{digest[:40]}"


def pseudonym(scope: str, subject: str) -> str:
    """A short keyed hash of ``subject`` (e.g. a network address) that can be stored and compared, not read back."""
    return subject_key(scope, subject).removeprefix("RATE#")[:20]


def window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, dt.timezone.utc)


def hit(scope: str, subject: str, now: dt.datetime, *, limit: int, window: dt.timedelta) -> bool:
    """Count one attempt; True while the subject is within ``limit`` in this window.

    One atomic UpdateItem (ADD), so concurrent attempts are all counted.
    """
    start = window_start(now, window)
    counter = RateLimit(subject_key(scope, subject), start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    counter.update(actions=[
        RateLimit.attempts.add(1),
        RateLimit.kind.set(RateLimit),  # an upsert writes only what it names
        RateLimit.expires_at.set(start + 2 * window),
    ])
    return int(counter.attempts) <= limit


def count(scope: str, subject: str, now: dt.datetime, *, window: dt.timedelta) -> int:
    """How many attempts ``hit`` counted for the subject in this window (one GetItem)."""
    start = window_start(now, window)
    counter = tx.get(RateLimit, (subject_key(scope, subject), start.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return int(counter.attempts) if counter is not None else 0


def forget(scope: str, subject: str) -> int:
    """Delete every counter of a subject (erasure); returns how many there were."""
    removed = 0
    for counter in RateLimit.query(subject_key(scope, subject)):
        counter.delete()
        removed += 1
    return removed
