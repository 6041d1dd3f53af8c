"""Routes of the cookies capability: proofs of cookie choices and aggregate
page counts (see app.py for the table of contents). Neither reads nor keeps
the caller's IP address or any other request detail."""

from __future__ import annotations

from chalice import Blueprint, Response

from ..core import clock
from . import web

bp = Blueprint(__name__)


@bp.route("/consent", methods=["POST"], cors=True, content_types=["application/json"])
def record_consent() -> Response:
    from ..cookies import consent

    choice = consent.parse(web.json_body(bp.current_request))
    consent.record(choice, clock.now())
    return web.empty(204)


@bp.route("/analytics/pageview", methods=["POST"], cors=True, content_types=["application/json"])
def count_pageview() -> Response:
    from ..cookies import analytics

    path = analytics.parse(web.json_body(bp.current_request))
    analytics.count_view(path, clock.now())
    return web.empty(204)
