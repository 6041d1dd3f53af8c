"""Routes of the photos capability: a booking's photos from its link, and the function that
cleans an upload (its own Lambda, triggered by the bucket; the only one that loads Pillow).

Thin: parse, call the domain, answer. Each handler imports what it calls (cold start).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from ..core import clock
from ..store import connection
from . import web

bp = Blueprint(__name__)
# The booking's own link, the data link, and the booking page's short photo link (POST /bookings gives it).
PHOTO_LINKS = ("booking", "data", "photos")


@bp.route("/bookings/{booking_id}/photos", methods=["POST"], cors=True)
def post_photo(booking_id: str) -> Response:
    from ..core import fields
    from ..links import access
    from ..photos import uploads

    request = bp.current_request
    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(request), booking_id, now, PHOTO_LINKS)
    data = web.json_body(request)
    checks = fields.Fields(data)
    checks.unknown({"content_type", "size", "name"})
    wanted_type = checks.take("content_type", uploads.content_type)
    size = checks.take("size", uploads.size)
    checks.raise_if_any()
    started = uploads.start(holder.customer, found, wanted_type, size, now)
    return web.ok({"photo": {"id": started.photo.photo_id, "status": started.photo.status},
                   "upload": {"url": started.upload["url"], "fields": started.upload["fields"]}}, status=201)


@bp.route("/bookings/{booking_id}/photos", methods=["GET"], cors=True)
def get_photos(booking_id: str) -> Response:
    from ..links import access
    from ..photos import uploads

    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(bp.current_request), booking_id, now, PHOTO_LINKS)
    return web.ok({"photos": uploads.listing(holder.customer.customer_id, found.booking_id, now)})


@bp.route("/bookings/{booking_id}/photos/{photo_id}", methods=["DELETE"], cors=True)
def delete_photo(booking_id: str, photo_id: str) -> Response:
    from ..links import access
    from ..photos import uploads

    now = clock.now()
    holder, found = access.open_booking(web.bearer_token(bp.current_request), booking_id, now, PHOTO_LINKS)
    uploads.remove(holder.customer.customer_id, found.booking_id, photo_id, now)
    return web.empty(204)


@bp.lambda_function(name="process_photo")
def process_photo(event: dict[str, Any], context: Any) -> dict[str, int]:
    """The bucket's ObjectCreated event under ``uploads/``: check, strip, store the clean copy (Pillow here only)."""
    from ..photos import processing

    connection.bind()  # not an HTTP call: no middleware
    return processing.handle_event(event, clock.now())
