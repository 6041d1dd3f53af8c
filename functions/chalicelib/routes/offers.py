"""Routes of offers (the back office's Erbjudanden; see app.py for the table of contents).

HTTP (``Authorization: Bearer SESSION``; writing and sending take the admin role):
``POST /staff/offers``, ``GET /staff/offers``, ``GET /staff/offers/{id}``,
``PUT`` and ``DELETE /staff/offers/{id}`` (a draft), ``GET /staff/offers/{id}/preview``,
``POST /staff/offers/{id}/send``.

Not HTTP:

- ``send_offers``: the table's stream. An offer that has come to a new step while sending gets that
  step: one page of recipients (marketing.sender). A failed step is logged, never raised: the schedule
  below resumes it, and the stream is not held up.
- ``resume_offers``: every five minutes, an offer whose step has not moved for a while.
- ``send_follow_ups``: every morning, the clinic file's follow-ups of the visits due (booking.follow_ups).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Cron, Rate, Response

from ..core import clock
from ..core.errors import Invalid
from ..store import connection
from . import web
from .retention import PLACEHOLDER_STREAM_ARN

if TYPE_CHECKING:
    from ..staff.sessions import StaffUser

bp = Blueprint(__name__)


def _user(role: str | None = None) -> StaffUser:
    from ..staff import sessions

    return sessions.require(web.bearer_token(bp.current_request, code="staff_unauthorized"), clock.now(), role=role)


def _no_params(allowed: frozenset[str] = frozenset()) -> dict[str, str]:
    params: dict[str, str] = dict(bp.current_request.query_params or {})
    unknown = {k[:64]: "unknown_field" for k in params if k not in allowed}
    if unknown:
        raise Invalid(fields=unknown)
    return params


@bp.route("/staff/offers", methods=["POST"], cors=True)
def post_offer() -> Response:
    from ..marketing import offers

    user = _user(role="admin")
    now = clock.now()
    offer = offers.create(web.json_body(bp.current_request), user.id, now)
    return web.ok({"offer": offers.public(offer, now)}, status=201)


@bp.route("/staff/offers", methods=["GET"], cors=True)
def get_offers() -> Response:
    from ..marketing import offers

    _user()
    _no_params()
    now = clock.now()
    return web.ok({"offers": [offers.public(o, now, counted=False) for o in offers.listed(now)]})


@bp.route("/staff/offers/{offer_id}", methods=["GET"], cors=True)
def get_offer(offer_id: str) -> Response:
    from ..marketing import offers

    _user()
    _no_params()
    now = clock.now()
    return web.ok({"offer": offers.public(offers.get(offer_id), now)})


@bp.route("/staff/offers/{offer_id}", methods=["PUT"], cors=True)
def put_offer(offer_id: str) -> Response:
    from ..marketing import offers

    _user(role="admin")
    now = clock.now()
    offer = offers.edit(offer_id, web.json_body(bp.current_request), now)
    return web.ok({"offer": offers.public(offer, now)})


@bp.route("/staff/offers/{offer_id}", methods=["DELETE"], cors=True)
def delete_offer(offer_id: str) -> Response:
    from ..marketing import offers

    _user(role="admin")
    offers.remove(offer_id)
    return web.empty()


@bp.route("/staff/offers/{offer_id}/preview", methods=["GET"], cors=True)
def get_offer_preview(offer_id: str) -> Response:
    from ..marketing import offer_mail, offers

    _user()
    language = _no_params(frozenset({"lang"})).get("lang", "sv")
    if language not in ("sv", "en"):
        raise Invalid(fields={"lang": "language"})
    offer = offers.get(offer_id)
    return web.ok({"preview": offer_mail.preview(offers.content(offer), language, now=clock.now())})


@bp.route("/staff/offers/{offer_id}/send", methods=["POST"], cors=True)
def post_offer_send(offer_id: str) -> Response:
    from ..marketing import offers

    user = _user(role="admin")
    now = clock.now()
    offer = offers.request_send(offer_id, user.id, now)
    return web.ok({"offer": offers.public(offer, now)}, status=202)


# --- not HTTP -----------------------------------------------------------------------------------------


@bp.on_dynamodb_record(
    stream_arn=os.environ.get("TABLE_STREAM_ARN") or PLACEHOLDER_STREAM_ARN,
    batch_size=100,
    starting_position="TRIM_HORIZON",
)
def send_offers(event: Any) -> dict[str, int]:
    """One page of each offer the batch moved to a new step."""
    from ..marketing import sender

    connection.bind()
    return sender.handle_records((record.to_dict() for record in event), clock.now())


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def resume_offers(event: Any) -> dict[str, int]:
    """Every five minutes: the step again of an offer that stalled (a failed Lambda, a lost record)."""
    from ..marketing import sender

    connection.bind()
    return sender.resume(clock.now())


@bp.schedule(Cron(0, 8, "*", "*", "?", "*"))  # 08:00 UTC: 09:00 or 10:00 in Stockholm, a decent hour for news
def send_follow_ups(event: Any) -> dict[str, int]:
    """The follow-ups due today of the treatments that have them (the clinic file)."""
    from ..booking import follow_ups

    connection.bind()
    done = follow_ups.send_due(clock.now())
    return {"visits": done.visits, "messages": done.messages}
