"""Routes of the payments capability (see app.py for the table of contents)."""

from __future__ import annotations

from chalice import Blueprint, Response

from ..core import clock
from ..core.errors import Invalid, NotFound
from . import web

# ``payments.gateway`` imports stripe (and aiohttp under it): about 100 ms that every
# other route would pay on a cold start, so they are imported where a payment route runs.

bp = Blueprint(__name__)

SECRET_FIELD = "client_secret"  # noqa: S105 - a field name: the PaymentIntent's client secret, as the page got it


@bp.route("/webhooks/stripe", methods=["POST"], content_types=["application/json"])
def stripe_webhook() -> Response:
    """Stripe's events: 200 when signed (also for a replay), 400 when not.

    The signature covers the body's exact bytes, so it is read as raw bytes
    and never parsed or re-encoded before it is checked.
    """
    from ..booking import paid  # noqa: F401 - registers the handler of payment_intent.succeeded
    from ..payments import webhooks

    request = bp.current_request
    body = request.raw_body or b""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    signature = request.headers.get("stripe-signature") if request.headers else None
    outcome = webhooks.handle(raw, signature, clock.now())
    return web.ok({"received": True, "event": outcome.event_id, "action": outcome.action})


@bp.route("/payments/status", methods=["POST"], cors=True)
def payment_status() -> Response:
    """The booking page waits here for the webhook: ``{"client_secret"}`` ->
    ``{"booking": {"id", "status"}, "payment": {"status"}}``; 404 when it matches nothing."""
    from ..payments import status

    data = web.json_body(bp.current_request)
    fields = {name[:64]: "unknown_field" for name in data if name != SECRET_FIELD}
    secret = data.get(SECRET_FIELD)
    problem = None
    if secret is None or secret == "":
        problem = "required"
    elif not isinstance(secret, str):
        problem = "type"
    elif len(secret) > 200 or not status.CLIENT_SECRET.match(secret):
        problem = "invalid"
    if problem:
        fields[SECRET_FIELD] = problem
    if fields or not isinstance(secret, str):
        raise Invalid(fields=fields)
    found = status.status_for(secret, clock.now())
    if found is None:
        raise NotFound()
    return web.ok(found.public())
