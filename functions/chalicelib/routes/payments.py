"""Routes of the payments capability (see app.py for the table of contents)."""

from __future__ import annotations

from chalice import Blueprint, Response

from .. import clock, http, webhooks

bp = Blueprint(__name__)


@bp.route("/webhooks/stripe", methods=["POST"], content_types=["application/json"])
def stripe_webhook() -> Response:
    """Stripe's events: 200 when signed (also for a replay), 400 when not.

    The signature covers the body's exact bytes, so it is read as raw bytes
    and never parsed or re-encoded before it is checked.
    """
    request = bp.current_request
    body = request.raw_body or b""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    signature = request.headers.get("stripe-signature") if request.headers else None
    outcome = webhooks.handle(raw, signature, clock.now())
    return http.ok({"received": True, "event": outcome.event_id, "action": outcome.action})
