"""Bookings made, moved and cancelled by staff: through the very transactions of online bookings
(``booking.take``, ``booking.change``), so neither can ever overlap the other. Staff have no notice
limit and no deadline; the prepayment is online or at the clinic; a caller may have only a phone
number (the confirmation then goes by SMS); a cancellation says whether the prepayment is refunded.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..booking import change, take
from ..booking.requests import booking_request
from ..core import clinic as clinic_module
from ..core import fields
from ..core.clock import iso_local
from ..core.errors import NotFound
from ..photos import uploads
from ..store import lookups
from ..store.models import Booking, Customer, Photo
from . import access, sessions, views
from .sessions import StaffUser

BOOKING_ID = re.compile(r"^[0-9a-f]{16}$")


def open_booking(booking_id: str, now: dt.datetime) -> tuple[Booking, Customer]:
    """A booking by id and its customer (404 when either is gone)."""
    if not BOOKING_ID.match(booking_id or ""):
        raise NotFound()
    found = lookups.booking_by_id(booking_id, now)
    customer = lookups.profile(found.customer_id, now) if found is not None else None
    if found is None or customer is None:
        raise NotFound()
    return found, customer


def book(user: StaffUser, data: dict[str, Any], language: str, now: dt.datetime) -> dict[str, Any]:
    """``POST /staff/bookings``: 201's body, the customer's no-shows included."""
    request = booking_request(clinic_module.current(), data, language, booked_by=user.id)
    booked = take.book(request, now, requester=f"staff:{user.id}")  # an online hold counts as the member's
    customer = lookups.profile(booked.customer.customer_id, now)
    return {"booking": views.booking(booked.booking, customer),
            "payment": booked.payment.public() if booked.payment is not None else None,
            "customer": views.customer(customer, booked.booking.customer_id)}


def show(user: StaffUser, booking_id: str, now: dt.datetime) -> dict[str, Any]:
    """One booking with the customer's other bookings (their history), logged as a look."""
    found, customer = open_booking(booking_id, now)
    items = lookups.partition(customer.customer_id, now)
    history = sorted((i for i in items if isinstance(i, Booking)), key=lambda b: b.start, reverse=True)
    # How many cleaned photos the customer added (from the same read); opening them is its own, logged look.
    ready = sum(1 for i in items if isinstance(i, Photo) and i.booking_id == found.booking_id and i.status == "ready")
    access.record(user, [(customer.customer_id, customer.expires_at)], "booking", now)
    return {"booking": {**views.booking(found, customer), "photos": ready},
            "history": [views.booking(b, customer) for b in history if b.booking_id != found.booking_id]}


def photos(user: StaffUser, booking_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    """``GET /staff/bookings/{id}/photos``: the photos with five-minute links; each call is in the access log."""
    found, customer = open_booking(booking_id, now)

    def record(customer_id: str, what: str) -> None:
        access.record(user, [(customer_id, customer.expires_at)], what, now)

    return uploads.staff_listing(customer.customer_id, found.booking_id, user.id, now, record)


def reschedule(user: StaffUser, booking_id: str, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    found, customer = open_booking(booking_id, now)
    checks = fields.Fields(data)
    checks.unknown({"start", "staff"})
    start = checks.take("start", fields.moment)
    staff_id = checks.take("staff", lambda v: fields.staff_for(clinic_module.current(), found.service_id, v))
    checks.raise_if_any()
    moved = change.reschedule(customer, found, start, staff_id, now, by_staff=user.id)
    return {"booking": views.booking(moved, customer)}


def cancel(user: StaffUser, booking_id: str, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """``{"refund": bool, "message"?}``: the prepayment back or not, as staff decide, whatever the time;
    a refund once the visit has started is an admin's (``sessions.check_refund``)."""
    found, customer = open_booking(booking_id, now)
    checks = fields.Fields(data)
    checks.unknown({"refund", "message"})
    refund = checks.take("refund", fields.boolean)
    message = checks.take("message", fields.note)
    checks.raise_if_any()
    if refund:
        sessions.check_refund(user, found.start, now)  # after the visit: admins only, as for complaints
    done = change.cancel(customer, found, now, by_staff=user.id, refund=bool(refund), message=message)
    return {"booking": views.booking(done.booking, customer),
            "refund": done.refund.public() if done.refund is not None else None,
            "cancelled_at": iso_local(now)}


def outcome(user: StaffUser, booking_id: str, result: str, now: dt.datetime) -> dict[str, Any]:
    """``POST /staff/bookings/{id}/outcome``: the booking as marked, with the customer's no-shows now."""
    from . import outcomes

    found, _ = open_booking(booking_id, now)
    marked = outcomes.mark(user, found, result, now)
    return {"booking": views.booking(marked, lookups.profile(marked.customer_id, now))}


def confirm(user: StaffUser, booking_id: str, data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """``POST /staff/bookings/{id}/confirmations`` ``{"age_checked": true, "consent_after_betanketid": true}``:
    the licensed practitioner's confirmations before a treatment under lag (2021:363) is completed."""
    from ..booking import regulated

    found, customer = open_booking(booking_id, now)
    checks = fields.Fields(data)
    checks.unknown({"age_checked", "consent_after_betanketid"})
    checks.raise_if_any()
    member = clinic_module.current().staff_member(user.id)
    confirmed = regulated.confirm_before_completion(found, member, data.get("age_checked"),
                                                    data.get("consent_after_betanketid"), now)
    return {"booking": views.booking(lookups.booking(customer.customer_id, confirmed.booking_id, now) or confirmed,
                                     customer)}
