"""The edge between Chalice requests and the domain: JSON in, JSON out,
errors as ``{"error": {"code", "message", "fields"}}`` in the asked language."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice import Response
from chalice.app import Request

from ..core import i18n
from ..core.errors import ApiError, Invalid, Unauthorized

MAX_BODY_BYTES = 16 * 1024  # a booking is well under 2 KB; anything near this is abuse


def language(request: Request) -> str:
    return i18n.pick_language(request.headers.get("accept-language") if request.headers else None)


def json_body(request: Request, *, required: bool = True, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The request's JSON object, or 400 naming ``body`` (``limit``: the largest body the call takes)."""
    body: str | bytes = request.raw_body or b""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if len(raw) > limit:
        raise Invalid("payload_too_large", {"body": "too_large"})
    if not raw.strip():
        if required:
            raise Invalid(fields={"body": "required"})
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: "[[[[..." nested past the stack
        raise Invalid(fields={"body": "malformed_json"}) from None
    if not isinstance(data, dict):
        raise Invalid(fields={"body": "type"})
    # "\ud800" is valid JSON but no text: it cannot be stored, sent or answered in UTF-8.
    broken = {(name[:64] if _utf8(name) else "body"): "invalid" for name, value in data.items()
              if not _utf8(name) or not _utf8(value)}
    if broken:
        raise Invalid(fields=broken)
    return data


def _utf8(value: Any) -> bool:
    """Whether every string in a parsed JSON value is encodable text (no lone surrogates)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def requester(request: Request) -> str:
    """The caller's network address, for limits only. API Gateway's ``sourceIp`` is the connection's peer and
    cannot be forged; behind CloudFront that peer is an edge server, and the viewer is the X-Forwarded-For
    entry CloudFront appended last (left of the peer, where API Gateway appends it too). Entries before it are
    the caller's own text. The key pairs the viewer with the peer, so a caller who sends the API a made-up
    header gets a key of their own address, never a key that counts somebody else's holds."""
    identity = (request.context or {}).get("identity") or {}
    peer = str(identity.get("sourceIp") or "").strip()[:64]
    forwarded = str(request.headers.get("x-forwarded-for") or "") if request.headers else ""
    hops = [hop.strip()[:64] for hop in forwarded.split(",") if hop.strip()]
    while hops and hops[-1] == peer:
        hops.pop()
    viewer = hops[-1] if hops else ""
    if viewer and peer:
        return f"{viewer} via {peer}"
    return viewer or peer or "unknown"


@contextmanager
def taking_at_least(seconds: float) -> Iterator[None]:
    """An answer that takes the same time whoever asks, so that its timing does not tell a known address
    (a customer's, a staff member's) from an unknown one."""
    started = time.monotonic()
    yield
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)


def bearer_token(request: Request, code: str | None = None) -> str:
    """The token a page sends from its link's fragment (or a staff session); 401 when absent."""
    header = str(request.headers.get("authorization") or "") if request.headers else ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(code)
    return token.strip()


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", **(headers or {})},
    )


def empty(status: int = 204) -> Response:
    return Response(body="", status_code=status, headers={"Cache-Control": "no-store"})


def error_response(error: ApiError, lang: str) -> Response:
    body = {
        "error": {
            "code": error.code,
            "message": i18n.error_message(error.code, lang),
            "fields": {name: i18n.field_message(key, lang) for name, key in error.fields.items()},
            **error.extra,
        }
    }
    # The pages on the site's origin must read errors too (401 -> "ask for a new link"): Chalice adds
    # a cors=True route's headers only to what the view returns, not to this answer from the middleware.
    return ok(body, status=error.status, headers={"Access-Control-Allow-Origin": "*"})


# Chalice answers a wrong method or Content-Type itself, as {"Code", "Message"} in English.
CHALICE_ERRORS = {415: ("unsupported_media_type", "content-type"), 405: ("method_not_allowed", None)}


def in_house(response: Response, lang: str) -> Response:
    """Chalice's own 4xx answers in the API's error shape and language (errors are always one shape)."""
    known = CHALICE_ERRORS.get(response.status_code)
    if known is None or not isinstance(response.body, dict) or "Code" not in response.body:
        return response
    code, field = known
    answer = error_response(ApiError(code, {field: "invalid"} if field else None, status=response.status_code), lang)
    answer.headers.update({k: v for k, v in (response.headers or {}).items() if k.lower() != "content-type"})
    return answer
