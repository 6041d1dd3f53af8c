"""Customers in the back office: search by name, e-mail or phone (``store.search``: one bounded Query
per field, never a Scan), a customer's page (bookings, consents, notes, outcomes), and the answers to
a data-subject request that came by phone or at the desk: the same export and erasure as the
customer's own links and ``allavie rights`` (``rights.export``, ``rights.erasure``). Each look is logged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..core.clock import iso_local
from ..core.errors import Invalid, NotFound
from ..rights import erasure, export
from ..rights import log as rights_log
from ..store import lookups, search
from ..store.models import Booking, Customer, MarketingConsent
from . import access, views
from .sessions import StaffUser

CUSTOMER_ID = re.compile(r"^[0-9a-f]{20}$")
MAX_RESULTS = 20


def find(user: StaffUser, text: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """``GET /staff/customers?q=``: the customers whose name, address or number starts so."""
    if not isinstance(text, str) or len(text) > 100:
        raise Invalid(fields={"q": "invalid"})
    queries = search.parse(text)
    if not queries:
        raise Invalid(fields={"q": "query_too_short"})
    ids = search.find(queries, now, limit=MAX_RESULTS)
    people = views.profiles(ids, now)
    found = [people[i] for i in ids if i in people]
    access.record(user, ((p.customer_id, p.expires_at) for p in found), "search", now)
    return [views.customer(p, p.customer_id) for p in found]


def profile(customer_id: str, now: dt.datetime) -> Customer:
    if not CUSTOMER_ID.match(customer_id or ""):
        raise NotFound()
    found = lookups.profile(customer_id, now)
    if found is None:
        raise NotFound()
    return found


def page(user: StaffUser, customer_id: str, now: dt.datetime) -> dict[str, Any]:
    """``GET /staff/customers/{id}``: everything the clinic keeps that staff need, newest booking first."""
    items = lookups.partition(profile(customer_id, now).customer_id, now)
    person = next(i for i in items if isinstance(i, Customer))
    bookings = sorted((i for i in items if isinstance(i, Booking)), key=lambda b: b.start, reverse=True)
    consents = sorted((i for i in items if isinstance(i, MarketingConsent)), key=lambda c: c.at)
    access.record(user, [(customer_id, person.expires_at)], "customer", now)
    return {
        "customer": {**views.customer(person, customer_id), "language": person.language,
                     "created_at": iso_local(person.created_at), "kept_until": iso_local(person.expires_at)
                     if person.expires_at else None},
        "bookings": [views.booking(b, person) for b in bookings],
        "marketing": {"email": bool(person.marketing_email), "sms": bool(person.marketing_sms)},
        "consents": [{"at": iso_local(c.at), "channel": c.channel, "granted": bool(c.granted), "source": c.source,
                      "state": c.state} for c in consents],
        "notes": [{"booking": b.booking_id, "start": iso_local(b.start), "text": b.note} for b in bookings if b.note],
        "no_shows": sum(1 for b in bookings if b.outcome == "no_show"),
    }


def export_for(user: StaffUser, customer_id: str, now: dt.datetime) -> dict[str, Any]:
    """The customer's registerutdrag. An admin's is the complete answer to a request that came to the clinic
    (recorded as one, channel ``staff``); a staff member's leaves out the access log, which only admins read,
    so it is a look at the customer's data (access log) and not an answer to a request (the DSR count)."""
    person = profile(customer_id, now)
    access.record(user, [(customer_id, person.expires_at)], "export", now)
    document = export.export(customer_id, now)
    if document is None:
        raise NotFound()
    if not user.is_admin:
        document.pop("access_log", None)
        return document
    rights_log.record("access", "staff", "exported", now)
    return document


def erase_for(customer_id: str, now: dt.datetime, language: str) -> dict[str, Any]:
    """Erase the customer (their future bookings cancelled by the payment rules), as ``allavie rights erase``."""
    person = profile(customer_id, now)
    return erasure.erase(person, now, channel="staff", language=language).public()
