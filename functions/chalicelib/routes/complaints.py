"""Routes of the complaints capability, from a booking's link: file a complaint, read the thread,
reply. (The clinic's side, ``complaints.clinic``, is served under /staff/ with the back office.)"""

from __future__ import annotations

from chalice import Blueprint, Response

from ..core import clock
from . import web

bp = Blueprint(__name__)


def _text(data: dict[str, object]) -> str:
    from ..core import fields

    checks = fields.Fields(data)
    checks.unknown({"text"})
    text = checks.take("text", fields.message)
    checks.raise_if_any()
    return str(text)


@bp.route("/bookings/{booking_id}/complaints", methods=["POST"], cors=True)
def post_complaint(booking_id: str) -> Response:
    from ..complaints import common, customer
    from ..links import access

    request = bp.current_request
    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(request), booking_id, now)
    text = _text(web.json_body(request))
    filed = customer.file(holder.customer, found, text, now)
    return web.ok({"complaint": common.public(filed)}, status=201)


@bp.route("/bookings/{booking_id}/complaints", methods=["GET"], cors=True)
def get_complaints(booking_id: str) -> Response:
    from ..complaints import common, customer
    from ..links import access

    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(bp.current_request), booking_id, now)
    mine = [common.public(c) for c in common.of_customer(holder.customer.customer_id, now)
            if c.booking_id == found.booking_id]
    return web.ok({"complaints": mine, "can_complain": customer.taken_place(found, now)})


@bp.route("/bookings/{booking_id}/complaints/{complaint_id}/messages", methods=["POST"], cors=True)
def post_complaint_message(booking_id: str, complaint_id: str) -> Response:
    from ..complaints import common, customer
    from ..links import access

    request = bp.current_request
    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(request), booking_id, now)
    text = _text(web.json_body(request))
    answered = customer.reply(holder.customer, found, complaint_id, text, now)
    return web.ok({"complaint": common.public(answered)})
