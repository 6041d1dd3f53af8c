"""Complaints in the back office: the open (or latest closed) ones with their threads, and an answer
that may close one with an outcome. The domain is ``complaints.clinic`` (the e-mail to the customer,
the refund through the payment rules, the retention date); this adds who may do what, the request's
fields, and the access log: a complaint carries the customer's own words about their skin, so every
list and every answer is recorded as a look at that customer's data (``what`` = ``complaints``).

Any staff member may answer, and close a complaint as redone, rejected (with its reason) or
resolved: that is the clinic's daily work. A partial refund is money out of the clinic at its own
discretion, so only an admin closes with one (403 for others), as only an admin erases a customer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..complaints import clinic, common
from ..core import clinic as clinic_module
from ..core import fields
from ..core.clock import iso_local
from ..core.errors import Invalid, NotFound
from ..store import lookups
from ..store.models import Complaint, Customer
from . import access, sessions, views
from .sessions import StaffUser

COMPLAINT_ID = re.compile(r"^[0-9a-f]{16}$")
STATUSES = ("open", "closed")
MAX_REASON = 1000


def status(value: object) -> str:
    """``?status=``: open (the default) or closed."""
    return fields.choice(value, STATUSES, "open", "invalid")


def _about(complaint: Complaint, person: Customer | None, now: dt.datetime) -> dict[str, Any]:
    """What the clinic needs beside the thread: who, which visit, what was paid (the most a refund can be)."""
    shown = common.public(complaint, for_staff=True)
    booking = lookups.booking(complaint.customer_id, complaint.booking_id, now)
    member = clinic_module.current().staff_member(booking.staff_id) if booking is not None else None
    service = clinic_module.current().service(booking.service_id) if booking is not None else None
    shown["customer_detail"] = views.customer(person, complaint.customer_id)
    shown["booking_detail"] = None if booking is None else {
        "id": booking.booking_id, "start": iso_local(booking.start),
        "service_name": service.name.sv if service else booking.service_id,
        "staff_name": member.name if member else booking.staff_id,
        "paid_sek": int(booking.paid_sek or 0), "refunded_sek": int(booking.refunded_sek or 0),
    }
    return shown


def listing(user: StaffUser, wanted: str, now: dt.datetime) -> list[dict[str, Any]]:
    """``GET /staff/complaints``: each with its customer and visit; one access-log line per customer."""
    found = clinic.listing(wanted, now)
    people = views.profiles((c.customer_id for c in found), now)
    shown = [c for c in found if c.customer_id in people]  # a customer being erased is not shown
    access.record(user, ((c.customer_id, people[c.customer_id].expires_at) for c in shown), "complaints", now)
    return [_about(c, people[c.customer_id], now) for c in shown]


def _closing(value: object, checks: fields.Fields) -> clinic.Closing | None:
    """``close``: ``{"outcome", "reason"?, "refund_sek"?}``, or absent/null for an answer that keeps it open."""
    if value is None:
        return None
    if not isinstance(value, dict):
        checks.fail("close", "type")
        return None
    inner = fields.Fields(value)
    inner.unknown({"outcome", "reason", "refund_sek"})
    outcome = inner.take("outcome", lambda v: fields.choice(v, clinic.OUTCOMES, "", "complaint_outcome"))
    if outcome == "":
        inner.fail("outcome", "complaint_outcome")
    reason = inner.take("reason", lambda v: None if v is None else fields.message(v, MAX_REASON))
    refund = inner.take("refund_sek", lambda v: None if v is None else fields.whole_kronor(v))
    for name, key in inner.errors.items():
        checks.fail(f"close.{name}", key)
    if inner.errors:
        return None
    try:
        return clinic.check_closing(outcome, reason, refund)
    except Invalid as refused:  # what belongs together (a rejection's reason): named with the request's others
        for name, key in refused.fields.items():
            checks.fail(name, key)
        return None


def answer(user: StaffUser, complaint_id: str, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """``POST /staff/complaints/{id}/reply``: the answer (and the closing); the customer gets it by e-mail."""
    if not COMPLAINT_ID.match(complaint_id or ""):
        raise NotFound()
    checks = fields.Fields(data)
    checks.unknown({"text", "close"})
    text = checks.take("text", fields.message)
    closing = _closing(data.get("close"), checks)
    checks.raise_if_any()
    if closing is not None and closing.refund_sek is not None:
        sessions.check_refund(user, None, now)  # a complaint is about a visit: the rule for refunds after one
    found = clinic.find_open(complaint_id, now)  # 409 complaint_changed once a colleague closed it
    person = lookups.profile(found.customer_id, now)
    access.record(user, [(found.customer_id, person.expires_at if person else None)], "complaints", now)
    answered = clinic.reply(user.id, complaint_id, str(text), closing, now)
    return {"complaint": _about(answered.complaint, lookups.profile(found.customer_id, now), now),
            "refund": answered.refund}
