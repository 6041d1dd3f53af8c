"""Routes of the booking capability: availability, bookings, reschedule, cancel,
and the hourly reminders. Thin: parse, call the domain, answer.

Each handler imports the domain it calls: the Lambda's cold start (``import app``)
then loads Chalice, the store and these tables of contents, and a route pays only
for its own modules on its first call.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate, Response

from ..core import clock
from ..core.errors import Invalid
from ..store import connection
from . import web

bp = Blueprint(__name__)


@bp.route("/availability", methods=["GET"], cors=True)
def get_availability() -> Response:
    from ..booking import locks
    from ..core import clinic, fields

    params: dict[str, str] = dict(bp.current_request.query_params or {})
    current = clinic.current()
    checks = fields.Fields(params)
    service_id = checks.take("service", lambda v: fields.service_id(current, v))
    first = checks.take("from", fields.date)
    last = checks.take("to", fields.date)
    staff_id = checks.take("staff", lambda v: fields.staff_for(current, service_id, v))
    checks.raise_if_any()
    now = clock.now()
    locks.check_range(current, first, last, now)
    service = current.service(service_id)
    assert service is not None
    slots = locks.free_slots(current, service, first, last, staff_id, now)
    return web.ok({"slots": [
        {"start": clock.iso_local(s.start), "end": clock.iso_local(s.end), "staff": list(s.staff)} for s in slots
    ]})


@bp.route("/bookings", methods=["POST"], cors=True)
def post_booking() -> Response:
    from ..booking import take, view
    from ..booking.requests import booking_request
    from ..core import clinic

    request = bp.current_request
    data = web.json_body(request)
    wanted = booking_request(clinic.current(), data, web.language(request))
    booked = take.book(wanted, clock.now(), requester=web.requester(request))
    payment: Any = booked.payment.public() if booked.payment is not None else None
    return web.ok({"booking": view.public(booked.booking, wanted.language), "payment": payment,
                   "photos": {"token": _photos_token(booked.booking, booked.customer)}}, status=201)


def _photos_token(booking: Any, customer: Any) -> str:
    """For the booking page's optional photos right after booking: this booking's photos only, two hours."""
    import datetime as dt

    from ..links import tokens

    return tokens.issue(customer.customer_id, "photos", int(customer.link_generation),
                        clock.now() + dt.timedelta(hours=2), booking_id=booking.booking_id)


@bp.route("/bookings/{booking_id}", methods=["GET"], cors=True)
def get_booking(booking_id: str) -> Response:
    from ..booking import view
    from ..links import access

    request = bp.current_request
    _, found = access.open_booking(web.bearer_token(request), booking_id, clock.now())
    return web.ok({"booking": view.public(found, web.language(request))})


@bp.route("/bookings/{booking_id}/reschedule", methods=["POST"], cors=True)
def post_reschedule(booking_id: str) -> Response:
    from ..booking import change, view
    from ..core import clinic, fields
    from ..links import access

    request = bp.current_request
    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(request), booking_id, now)
    data = web.json_body(request)
    current = clinic.current()
    checks = fields.Fields(data)
    checks.unknown({"start", "staff"})
    start = checks.take("start", fields.moment)
    staff_id = checks.take("staff", lambda v: fields.staff_for(current, found.service_id, v))
    checks.raise_if_any()
    moved = change.reschedule(holder.customer, found, start, staff_id, now, current)
    return web.ok({"booking": view.public(moved, web.language(request))})


@bp.route("/bookings/{booking_id}/cancel", methods=["POST"], cors=True)
def post_cancel(booking_id: str) -> Response:
    from ..booking import change, view
    from ..links import access

    request = bp.current_request
    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(request), booking_id, now)
    data = web.json_body(request, required=False)
    if data:
        raise Invalid(fields={name[:64]: "unknown_field" for name in data})
    done = change.cancel(holder.customer, found, now)
    refund = done.refund.public() if done.refund is not None else None
    return web.ok({"booking": view.public(done.booking, web.language(request)), "refund": refund})


@bp.schedule(Rate(1, unit=Rate.HOURS))
def send_reminders(event: Any) -> dict[str, int]:
    """Every hour: the reminders of appointments starting within the next 24 hours."""
    from ..booking import reminders

    connection.bind()  # scheduled events do not pass the HTTP middleware
    return {"sent": reminders.send_due(clock.now())}
