"""A fresh link by e-mail address (``POST /links``): the same answer whether or not the
address is known, rate limited per address, an e-mail only to a known one: the data link and
the manage link of each booking still ahead (a lost confirmation is no dead end)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from ..store import lookups, ratelimit
from ..store.models import Booking
from . import log as rights_log
from . import mail as rights_mail
from .details import normalise_email

log = logging.getLogger(__name__)

LINKS_PER_WINDOW = 3
LINK_WINDOW = dt.timedelta(hours=1)


def request_link(raw_email: Any, now: dt.datetime) -> str:
    """Send a fresh data link to a known address; the caller answers the same either way.

    The same reads and writes happen for a known and an unknown address (the
    rate-limit counter, the EmailKey read, the request record); only a known
    address within its limit gets an e-mail. Returns the outcome (for the
    record and tests, never for the answer).
    """
    email = normalise_email(raw_email)
    allowed = ratelimit.hit("links", email, now, limit=LINKS_PER_WINDOW, window=LINK_WINDOW)
    customer = lookups.customer_by_email(email, now)
    if not allowed:
        outcome = "rate_limited"
    elif customer is None:
        outcome = "no_match"
    else:
        try:
            bookings = [i for i in lookups.partition(customer.customer_id, now) if isinstance(i, Booking)]
            rights_mail.send_data_link(customer, now, bookings)
            outcome = "sent"
        except Exception:  # noqa: BLE001 - a failure must not answer differently for a known address
            log.exception("sending a data link failed")
            outcome = "failed"
    rights_log.record("link", "web", outcome, now)
    return outcome
