"""Routes of the back office (``/staff/``): sign-in, the calendar, bookings for callers (and their photos),
complaints, blocked time, outcomes, customers, the access log and the calendar feed. Thin: parse, check the session
(``staff.sessions.require``: 401 without a live one, 403 when the role does not allow), call the
domain (``chalicelib/staff/``), answer. Each handler imports the domain it calls (cold start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from ..core import clock
from ..core.errors import Invalid
from . import web

if TYPE_CHECKING:
    from ..staff.sessions import StaffUser

bp = Blueprint(__name__)

SIGNIN_MIN_SECONDS = 0.6  # the same time for every address: it does not tell who is on the staff


def record_looks(event: Any, get_response: Any) -> Any:
    """The app's middleware for every ``/staff/`` call (whichever blueprint): a successful answer that shows a
    customer (``staff.views.customer``) is in the access log, whether or not its route logged it."""
    path = str((getattr(event, "context", None) or {}).get("resourcePath") or getattr(event, "path", "") or "")
    if not path.startswith("/staff/"):
        return get_response(event)
    from ..staff import access, looks

    with looks.collecting() as collected:
        response = get_response(event)
        if 200 <= int(getattr(response, "status_code", 500)) < 300:
            access.record_shown(collected, path, clock.now())
    return response


def _user(role: str | None = None) -> StaffUser:
    from ..staff import sessions

    return sessions.require(web.bearer_token(bp.current_request, code="staff_unauthorized"), clock.now(), role=role)


def _params(allowed: set[str]) -> dict[str, str]:
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    unknown = {k[:64]: "unknown_field" for k in params if k not in allowed}
    if unknown:
        raise Invalid(fields=unknown)
    return params


def _only(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = {k[:64]: "unknown_field" for k in data if k not in allowed}
    if unknown:
        raise Invalid(fields=unknown)


# --- signing in --------------------------------------------------------------------------------


@bp.route("/staff/signin", methods=["POST"], cors=True)
def post_signin() -> Response:
    from ..staff import signin

    with web.taking_at_least(SIGNIN_MIN_SECONDS):
        data = web.json_body(bp.current_request)
        _only(data, {"email"})
        signin.request_link(data.get("email"), clock.now())
    return web.ok({"status": "accepted"}, status=202)


@bp.route("/staff/session", methods=["POST"], cors=True)
def post_session() -> Response:
    from ..staff import signin

    data = web.json_body(bp.current_request)
    _only(data, {"token", "code"})
    opened = signin.open_session(data.get("token"), data.get("code"), clock.now())
    if isinstance(opened, signin.Enrolment):
        return web.ok(opened.public())
    return web.ok({"session": opened.session_id, "expires_at": clock.iso_local(opened.expires_at),
                   "staff": opened.user.public()})


@bp.route("/staff/session", methods=["DELETE"], cors=True)
def delete_session() -> Response:
    from ..staff import sessions

    sessions.end(web.bearer_token(bp.current_request, code="staff_unauthorized"), clock.now())
    return web.empty(204)


@bp.route("/staff/me", methods=["GET"], cors=True)
def get_me() -> Response:
    from ..core import clinic

    user = _user()
    staff = [{"id": s.id, "name": s.name} for s in clinic.current().staff]
    return web.ok({"staff": user.public(), "colleagues": staff})


# --- the calendar and availability ---------------------------------------------------------------


@bp.route("/staff/calendar", methods=["GET"], cors=True)
def get_calendar() -> Response:
    from ..core import clinic, fields
    from ..staff import schedule

    user = _user()
    params = _params({"from", "to", "staff"})
    checks = fields.Fields(params)
    first, last = checks.take("from", fields.date), checks.take("to", fields.date)
    staff_id = checks.take("staff", lambda v: fields.staff_for(clinic.current(), None, v))
    checks.raise_if_any()
    return web.ok(schedule.calendar(user, first, last, staff_id, clock.now()))


@bp.route("/staff/availability", methods=["GET"], cors=True)
def get_availability() -> Response:
    """Free times as ``GET /availability``, without the online notice (a caller may come in an hour)."""
    from ..booking import locks
    from ..core import clinic, fields
    from ..staff import schedule

    _user()
    params = _params({"service", "from", "to", "staff"})
    current = clinic.current()
    checks = fields.Fields(params)
    service_id = checks.take("service", lambda v: fields.service_id(current, v))
    first, last = checks.take("from", fields.date), checks.take("to", fields.date)
    staff_id = checks.take("staff", lambda v: fields.staff_for(current, service_id, v))
    checks.raise_if_any()
    schedule.check_range(first, last)
    service = current.service(service_id)
    assert service is not None
    slots = locks.free_slots(current, service, first, last, staff_id, clock.now(), notice=False)
    return web.ok({"slots": [{"start": clock.iso_local(s.start), "end": clock.iso_local(s.end), "staff": list(s.staff)}
                             for s in slots]})


# --- bookings for callers ----------------------------------------------------------------------------


@bp.route("/staff/bookings", methods=["POST"], cors=True)
def post_booking() -> Response:
    from ..staff import bookings

    user = _user()
    data = web.json_body(bp.current_request)
    return web.ok(bookings.book(user, data, web.language(bp.current_request), clock.now()), status=201)


@bp.route("/staff/bookings/{booking_id}", methods=["GET"], cors=True)
def get_booking(booking_id: str) -> Response:
    from ..staff import bookings

    return web.ok(bookings.show(_user(), booking_id, clock.now()))


@bp.route("/staff/bookings/{booking_id}/reschedule", methods=["POST"], cors=True)
def post_reschedule(booking_id: str) -> Response:
    from ..staff import bookings

    user = _user()
    return web.ok(bookings.reschedule(user, booking_id, web.json_body(bp.current_request), clock.now()))


@bp.route("/staff/bookings/{booking_id}/cancel", methods=["POST"], cors=True)
def post_cancel(booking_id: str) -> Response:
    from ..staff import bookings

    user = _user()
    return web.ok(bookings.cancel(user, booking_id, web.json_body(bp.current_request), clock.now()))


@bp.route("/staff/bookings/{booking_id}/outcome", methods=["POST"], cors=True)
def post_outcome(booking_id: str) -> Response:
    from ..core import fields
    from ..staff import bookings, outcomes

    user = _user()
    data = web.json_body(bp.current_request)
    checks = fields.Fields(data)
    checks.unknown({"outcome"})
    outcome = checks.take("outcome", lambda v: fields.choice(v, outcomes.OUTCOMES, "", "outcome"))
    if not outcome:
        checks.fail("outcome", "outcome")
    checks.raise_if_any()
    return web.ok(bookings.outcome(user, booking_id, outcome, clock.now()))


@bp.route("/staff/bookings/{booking_id}/confirmations", methods=["POST"], cors=True)
def post_confirmations(booking_id: str) -> Response:
    """A treatment under lag (2021:363): age checked against ID and consent after the betänketid (licensed staff)."""
    from ..staff import bookings

    user = _user()
    return web.ok(bookings.confirm(user, booking_id, web.json_body(bp.current_request), clock.now()))


@bp.route("/staff/bookings/{booking_id}/photos", methods=["GET"], cors=True)
def get_booking_photos(booking_id: str) -> Response:
    """The customer's photos of the booking, with five-minute links; every call is in the access log."""
    from ..staff import bookings

    return web.ok({"photos": bookings.photos(_user(), booking_id, clock.now())})


# --- complaints (reklamation) ----------------------------------------------------------------------


@bp.route("/staff/complaints", methods=["GET"], cors=True)
def get_complaints() -> Response:
    from ..core import fields
    from ..staff import complaints

    user = _user()
    checks = fields.Fields(_params({"status"}))
    wanted = checks.take("status", complaints.status)
    checks.raise_if_any()
    return web.ok({"complaints": complaints.listing(user, wanted, clock.now())})


@bp.route("/staff/complaints/{complaint_id}/reply", methods=["POST"], cors=True)
def post_complaint_reply(complaint_id: str) -> Response:
    """An answer, e-mailed to the customer; ``close`` ends the complaint with an outcome (a refund: admin)."""
    from ..staff import complaints

    user = _user()
    return web.ok(complaints.answer(user, complaint_id, web.json_body(bp.current_request), clock.now()))


# --- blocked time -------------------------------------------------------------------------------


@bp.route("/staff/blocks", methods=["POST"], cors=True)
def post_block() -> Response:
    from ..core import clinic, fields
    from ..staff import blocks, views

    user = _user()
    data = web.json_body(bp.current_request)
    checks = fields.Fields(data)
    checks.unknown({"staff", "start", "end", "reason"})
    staff_id = checks.take("staff", lambda v: fields.staff_for(clinic.current(), None, v))
    if staff_id is None and "staff" not in checks.errors:
        checks.fail("staff", "required")
    start, end = checks.take("start", fields.moment), checks.take("end", fields.moment)
    reason = checks.take("reason", fields.name)  # one line, as a name: it goes into calendars
    checks.raise_if_any()
    now = clock.now()
    made = blocks.create(user, staff_id, start, end, reason, now)
    people = views.profiles((b.customer_id for b in made.conflicts), now)
    from ..staff import access

    access.record(user, ((b.customer_id, b.expires_at) for b in made.conflicts), "calendar", now)
    return web.ok({"block": views.block(made.block),
                   "conflicts": [views.booking(b, people.get(b.customer_id)) for b in made.conflicts]}, status=201)


@bp.route("/staff/blocks/{block_id}", methods=["DELETE"], cors=True)
def delete_block(block_id: str) -> Response:
    from ..staff import blocks

    _user()
    blocks.delete(block_id, clock.now())
    return web.empty(204)


# --- customers, the access log --------------------------------------------------------------------


@bp.route("/staff/customers", methods=["GET"], cors=True)
def get_customers() -> Response:
    from ..staff import customers

    user = _user()
    params = _params({"q"})
    return web.ok({"customers": customers.find(user, params.get("q", ""), clock.now())})


@bp.route("/staff/customers/{customer_id}", methods=["GET"], cors=True)
def get_customer(customer_id: str) -> Response:
    from ..staff import customers

    return web.ok(customers.page(_user(), customer_id, clock.now()))


@bp.route("/staff/customers/{customer_id}/export", methods=["GET"], cors=True)
def get_customer_export(customer_id: str) -> Response:
    from ..rights import export
    from ..staff import customers

    now = clock.now()
    document = customers.export_for(_user(), customer_id, now)
    return web.ok(document, headers={"Content-Disposition": f'attachment; filename="{export.file_name(now)}"'})


@bp.route("/staff/customers/{customer_id}/erase", methods=["POST"], cors=True)
def post_customer_erase(customer_id: str) -> Response:
    from ..staff import customers

    _user(role="admin")
    return web.ok(customers.erase_for(customer_id, clock.now(), web.language(bp.current_request)))


@bp.route("/staff/access-log", methods=["GET"], cors=True)
def get_access_log() -> Response:
    from ..staff import access, customers

    _user(role="admin")
    params = _params({"customer"})
    now = clock.now()
    person = customers.profile(params.get("customer", ""), now)
    return web.ok({"entries": access.entries(person.customer_id, now)})


# --- the calendar feed ------------------------------------------------------------------------------


@bp.route("/staff/feed", methods=["GET"], cors=True)
def get_feed() -> Response:
    from ..staff import feed

    return web.ok({"url": feed.feed_url(_user(), clock.now())})


@bp.route("/staff/feed/renew", methods=["POST"], cors=True)
def post_feed_renew() -> Response:
    from ..staff import feed

    user = _user()
    return web.ok({"url": feed.renew(user, clock.now())})


@bp.route("/staff/feed/{name}", methods=["GET"])
def get_feed_file(name: str) -> Response:
    """The .ics a calendar app subscribes to; the key is the URL's secret (no session: apps have none)."""
    from ..staff import feed

    body = feed.ics(name.removesuffix(".ics"), clock.now())
    return Response(body=body.decode("utf-8"), status_code=200, headers={
        "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
    })
