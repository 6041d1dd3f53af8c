"""Routes of the rights capability: links, /me, export, erase, unsubscribe.

Thin: parse, call the domain (rights), answer. Each handler imports the domain it
calls, so the cold start loads none of it (see routes/booking.py).
"""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

from chalice import Blueprint, CORSConfig, Response

from ..core import clock
from ..core.errors import Invalid, Unauthorized
from . import web

if TYPE_CHECKING:
    from ..links.access import LinkHolder

bp = Blueprint(__name__)

DATA = ("data",)
# POST /links answers after at least this long, known address or not, so
# that the time taken does not tell whether somebody is a customer.
LINKS_MIN_SECONDS = 0.6
EXPORT_CORS = CORSConfig(allow_origin="*", allow_headers=["Authorization", "Content-Type", "Accept-Language"],
                         expose_headers=["Content-Disposition"])
FORM = "application/x-www-form-urlencoded"


def _holder() -> LinkHolder:
    from ..links import access

    return access.authenticate(web.bearer_token(bp.current_request), DATA, clock.now())


@bp.route("/links", methods=["POST"], cors=True)
def post_links() -> Response:
    from ..rights import fresh_link

    with web.taking_at_least(LINKS_MIN_SECONDS):
        body = web.json_body(bp.current_request)
        unknown = [k for k in body if k != "email"]
        if unknown:
            raise Invalid(fields={k: "unknown_field" for k in unknown})
        fresh_link.request_link(body.get("email"), clock.now())
    return web.ok({"status": "accepted"}, status=202)


@bp.route("/me", methods=["GET"], cors=True)
def get_me() -> Response:
    from ..rights import details

    holder = _holder()
    return web.ok(details.me(holder.customer, clock.now(), web.language(bp.current_request)))


@bp.route("/me", methods=["PATCH"], cors=True)
def patch_me() -> Response:
    from ..rights import details

    holder = _holder()
    body = web.json_body(bp.current_request)
    return web.ok(details.correct(holder.customer, body, clock.now()))


@bp.route("/me/email/confirm", methods=["POST"], cors=True)
def confirm_email() -> Response:
    from ..rights import details, email_change

    token = web.bearer_token(bp.current_request)
    customer, data_token = email_change.confirm_email(token, clock.now())
    return web.ok({"customer": details.customer_json(customer), "token": data_token})


@bp.route("/me/marketing", methods=["PUT"], cors=True)
def put_marketing() -> Response:
    from ..rights import preferences

    holder = _holder()
    body = web.json_body(bp.current_request)
    return web.ok({"marketing": preferences.set_marketing(holder.customer, body, "preferences_page", clock.now())})


@bp.route("/me/marketing/confirm", methods=["POST"], cors=True)
def confirm_marketing() -> Response:
    """The link in a booking's confirmation: grants the offers ticked on the booking form (double opt-in)."""
    from ..rights import preferences

    token = web.bearer_token(bp.current_request)
    _, choices, data_token = preferences.confirm_marketing(token, clock.now())
    return web.ok({"marketing": choices, "token": data_token})


@bp.route("/me/export", methods=["GET"], cors=EXPORT_CORS)
def get_export() -> Response:
    from ..rights import export
    from ..rights import log as rights_log

    holder = _holder()
    now = clock.now()
    document = export.export(holder.customer.customer_id, now)
    if document is None:  # erased between the check and the read
        raise Unauthorized()
    rights_log.record("access", "web", "exported", now)
    return web.ok(document, headers={
        "Content-Disposition": f'attachment; filename="{export.file_name(now)}"',
    })


@bp.route("/me/erase", methods=["POST"], cors=True)
def post_erase() -> Response:
    from ..rights import erasure

    holder = _holder()
    result = erasure.erase(holder.customer, clock.now(), channel="web", language=web.language(bp.current_request))
    return web.ok(result.public())


def _unsubscribe_token() -> str:
    request = bp.current_request
    params: dict[str, str] = dict(request.query_params or {})
    token = params.get("token") or ""
    if not token:
        raise Unauthorized()
    return token


@bp.route("/unsubscribe", methods=["POST"], cors=True, content_types=[FORM, "application/json", "text/plain"])
def post_unsubscribe() -> Response:
    """RFC 8058 one-click: a mail client POSTs ``List-Unsubscribe=One-Click``; no cookie, no login."""
    from ..rights import preferences

    token = _unsubscribe_token()
    raw = bp.current_request.raw_body or b""
    body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    if body.strip() and "List-Unsubscribe" in body:
        values = urllib.parse.parse_qs(body.strip())
        if values.get("List-Unsubscribe") != ["One-Click"]:
            raise Invalid(fields={"List-Unsubscribe": "invalid"})
    choices = preferences.unsubscribe(token, clock.now())
    if "text/html" in (bp.current_request.headers.get("accept") or ""):  # the button on the page below
        return _page(_asked_language(), done=True, token=token, channel=_channel_of(token))
    return web.ok({"marketing": choices})


@bp.route("/unsubscribe", methods=["GET"], cors=True)
def get_unsubscribe() -> Response:
    """A person who opens the List-Unsubscribe link gets a button; a GET itself changes nothing (RFC 8058)."""
    from ..links import access

    token = _unsubscribe_token()
    try:
        holder = access.authenticate(token, ("unsubscribe",), clock.now())
    except Unauthorized:
        return _page(_asked_language(), done=False, token=token, status=401)
    return _page(_asked_language(holder.customer.language), done=False, token=token, channel=_channel_of(token))


def _channel_of(token: str) -> str | None:
    """The one channel an (already checked) unsubscribe link stops, or None for one that stops both."""
    from ..links import tokens
    from ..rights import preferences

    stops = preferences.unsubscribe_channels(tokens.verify(token, ("unsubscribe",), clock.now()).ref)
    return stops[0] if len(stops) == 1 else None


def _asked_language(customer_language: str | None = None) -> str:
    from .unsubscribe_page import language_of

    request = bp.current_request
    asked = dict(request.query_params or {}).get("lang")
    return language_of(asked, customer_language, web.language(request))


def _page(language: str, *, done: bool, token: str, status: int = 200, channel: str | None = None) -> Response:
    """The self-contained page in the site's look; its own CSP allows its one inline stylesheet by hash."""
    from . import unsubscribe_page

    return Response(body=unsubscribe_page.page(language, done=done, token=token, valid=status == 200,
                                                          channel=channel),
                    status_code=status, headers={
                        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                        "Content-Security-Policy": unsubscribe_page.CSP, "Referrer-Policy": "no-referrer",
                        "X-Content-Type-Options": "nosniff",
                    })
