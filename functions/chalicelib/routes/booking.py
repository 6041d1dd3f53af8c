"""Routes of the booking capability: availability, bookings, reschedule, cancel,
and the hourly reminders. Thin: parse, call the domain, answer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from chalice import Blueprint, Rate, Response

from .. import booking, clinic, clock, customers, db, http, links, reminders, validation
from ..errors import Invalid, NotFound
from ..models import Booking, Customer

bp = Blueprint(__name__)

BOOKING_ID = re.compile(r"^[0-9a-f]{16}$")


def _open(token: str, booking_id: str, now: dt.datetime) -> tuple[Customer, Booking]:
    """The link's booking. The token is checked first: a bad token is 401 whatever the id or body
    (API.md), and only a valid holder learns that an id is not theirs (404)."""
    claims = links.verify(token, ("booking", "data"), now)
    if not BOOKING_ID.match(booking_id or ""):
        customers.from_link(claims, now)  # a revoked link stays 401 here too
        raise NotFound()
    return booking.for_link(token, booking_id, now)


@bp.route("/availability", methods=["GET"], cors=True)
def get_availability() -> Response:
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    current = clinic.current()
    fields = validation.Fields(params)
    service_id = fields.take("service", lambda v: validation.service_id(current, v))
    first = fields.take("from", validation.date)
    last = fields.take("to", validation.date)
    staff_id = fields.take("staff", lambda v: validation.staff_for(current, service_id, v))
    fields.raise_if_any()
    now = clock.now()
    booking.check_range(current, first, last, now)
    service = current.service(service_id)
    assert service is not None
    slots = booking.free_slots(current, service, first, last, staff_id, now)
    return http.ok({"slots": [
        {"start": clock.iso_local(s.start), "end": clock.iso_local(s.end), "staff": list(s.staff)} for s in slots
    ]})


@bp.route("/bookings", methods=["POST"], cors=True)
def post_booking() -> Response:
    request = bp.current_request
    data = http.json_body(request)
    wanted = validation.booking_request(clinic.current(), data, http.language(request))
    booked = booking.book(wanted, clock.now())
    payment: Any = booked.payment.public() if booked.payment is not None else None
    return http.ok({"booking": booking.public(booked.booking, wanted.language), "payment": payment}, status=201)


@bp.route("/bookings/{booking_id}", methods=["GET"], cors=True)
def get_booking(booking_id: str) -> Response:
    request = bp.current_request
    _, found = _open(http.bearer_token(request), booking_id, clock.now())
    return http.ok({"booking": booking.public(found, http.language(request))})


@bp.route("/bookings/{booking_id}/reschedule", methods=["POST"], cors=True)
def post_reschedule(booking_id: str) -> Response:
    request = bp.current_request
    now = clock.now()
    customer, found = _open(http.bearer_token(request), booking_id, now)
    data = http.json_body(request)
    current = clinic.current()
    fields = validation.Fields(data)
    fields.unknown({"start", "staff"})
    start = fields.take("start", validation.moment)
    staff_id = fields.take("staff", lambda v: validation.staff_for(current, found.service_id, v))
    fields.raise_if_any()
    moved = booking.reschedule(customer, found, start, staff_id, now, current)
    return http.ok({"booking": booking.public(moved, http.language(request))})


@bp.route("/bookings/{booking_id}/cancel", methods=["POST"], cors=True)
def post_cancel(booking_id: str) -> Response:
    request = bp.current_request
    now = clock.now()
    customer, found = _open(http.bearer_token(request), booking_id, now)
    data = http.json_body(request, required=False)
    if data:
        raise Invalid(fields={name[:64]: "unknown_field" for name in data})
    done = booking.cancel(customer, found, now)
    refund = done.refund.public() if done.refund is not None else None
    return http.ok({"booking": booking.public(done.booking, http.language(request)), "refund": refund})


@bp.schedule(Rate(1, unit=Rate.HOURS))
def send_reminders(event: Any) -> dict[str, int]:
    """Every hour: the reminders of appointments starting within the next 24 hours."""
    db.bind()  # scheduled events do not pass the HTTP middleware
    return {"sent": reminders.send_due(clock.now())}
