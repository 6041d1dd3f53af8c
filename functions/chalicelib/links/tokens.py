"""Links in e-mails: a signed token naming one customer and one purpose.

The token travels in the URL fragment (``/hantera/#t=TOKEN``), so browsers never
send it to servers, logs or other sites; the page sends it back to the API
in ``Authorization: Bearer``. A token is

- signed with HMAC-SHA256 (itsdangerous, ``digest_method`` set: its default is SHA-1) with
  ``LINK_SIGNING_KEY``; tokens signed with HMAC-SHA1 before that change still verify (the
  longest-lived link, the unsubscribe link, lasts two years),
- scoped to a purpose (``booking`` for one booking, ``data`` for the
  customer's preferences and data, ``unsubscribe`` for one-click opt-out,
  ``email`` to confirm a new e-mail address, ``ref`` naming the pending change; ``marketing``
  to confirm the offers ticked on the booking form, ``ref`` naming the channels; ``photos`` for
  adding photos to one booking from the booking page right after booking, two hours),
- expiring (``exp``, never further ahead than ``MAX_LIFETIME``: a larger one is refused, not an
  overflow), and
- revocable: it carries the customer's ``link_generation``; bumping that
  number (new e-mail address, erasure) makes every earlier token fail.

Verification here is pure; ``links.access`` compares the generation with the
stored customer (the one authentication check).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from ..core import secret_store
from ..core.errors import Unauthorized

PURPOSES = ("booking", "data", "unsubscribe", "email", "marketing", "photos")
_SALT = "allavie.link.v1"
MAX_LIFETIME = dt.timedelta(days=3660)  # no link of ours lives ten years (the longest, unsubscribe, two)


@dataclass(frozen=True)
class Claims:
    customer_id: str
    purpose: str
    generation: int
    expires: dt.datetime
    booking_id: str | None = None
    ref: str | None = None  # e.g. the pending e-mail change an ``email`` link confirms


def _key() -> str:
    return secret_store.get("LINK_SIGNING_KEY")


def _serializer(key: str | None = None) -> URLSafeSerializer:
    return URLSafeSerializer(key or _key(), salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256},
                             fallback_signers=[{"digest_method": hashlib.sha1}])


def issue(
    customer_id: str,
    purpose: str,
    generation: int,
    expires: dt.datetime,
    booking_id: str | None = None,
    *,
    key: str | None = None,
    ref: str | None = None,
) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    if purpose in ("booking", "photos") and not booking_id:
        raise ValueError("a booking link names its booking")
    payload: dict[str, object] = {
        "c": customer_id, "p": purpose, "g": int(generation), "e": int(expires.timestamp()),
    }
    if booking_id:
        payload["b"] = booking_id
    if ref:
        payload["r"] = ref
    return str(_serializer(key).dumps(payload))


# --- the short unsubscribe link of an SMS -------------------------------------------------------------
# Every SMS ends with a link that stops SMS offers; the full token would make that link alone some 150
# characters (a second text message). The short form packs the same claims in 26 bytes, base64url without
# padding (35 characters): version, channel, generation, expiry (days since 2020), the customer id's bytes,
# and 10 bytes (80 bits) of HMAC-SHA256 over the rest with the same key, under its own label.
_SHORT_VERSION = 1
_SHORT_CHANNELS = ("email", "sms")
_SHORT_EPOCH = dt.date(2020, 1, 1)
_SHORT_MAC = 10


def _short_mac(body: bytes, key: str | None) -> bytes:
    return hmac.new((key or _key()).encode("utf-8"), b"allavie.short.v1|" + body, hashlib.sha256).digest()[:_SHORT_MAC]


def issue_short_unsubscribe(customer_id: str, generation: int, expires: dt.datetime, channel: str, *,
                            key: str | None = None) -> str | None:
    """The short form of an ``unsubscribe`` token for ``channel``, or None when the claims do not fit it
    (a customer id that is not hex, a generation past 65535): then the caller uses the full token."""
    try:
        raw_id = bytes.fromhex(customer_id)
    except ValueError:
        return None
    days = (expires.date() - _SHORT_EPOCH).days
    if not raw_id or len(raw_id) > 32 or not 0 <= generation <= 0xFFFF or not 0 <= days <= 0xFFFF \
            or channel not in _SHORT_CHANNELS:
        return None
    body = bytes([_SHORT_VERSION, _SHORT_CHANNELS.index(channel)]) + generation.to_bytes(2, "big") \
        + days.to_bytes(2, "big") + raw_id
    return base64.urlsafe_b64encode(body + _short_mac(body, key)).decode("ascii").rstrip("=")


def _verify_short(token: str, key: str | None) -> Claims:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise Unauthorized() from None
    body, mac = raw[:-_SHORT_MAC], raw[-_SHORT_MAC:]
    if len(body) < 7 or body[0] != _SHORT_VERSION or body[1] >= len(_SHORT_CHANNELS) \
            or not hmac.compare_digest(mac, _short_mac(body, key)):
        raise Unauthorized()
    expires = dt.datetime.combine(_SHORT_EPOCH + dt.timedelta(days=int.from_bytes(body[4:6], "big")), dt.time(0),
                                  dt.timezone.utc)
    return Claims(customer_id=body[6:].hex(), purpose="unsubscribe", generation=int.from_bytes(body[2:4], "big"),
                  expires=expires, ref=_SHORT_CHANNELS[body[1]])


def verify(token: str, purposes: tuple[str, ...], now: dt.datetime, *, key: str | None = None) -> Claims:
    """The token's claims, or 401 when altered, expired or of another purpose."""
    if "." not in token and len(token) <= 80:  # the short unsubscribe form (full tokens always hold a dot)
        claims = _verify_short(token, key)
        if claims.purpose not in purposes or claims.expires <= now:
            raise Unauthorized()
        return claims
    try:
        payload = _serializer(key).loads(token)
    except BadSignature:
        raise Unauthorized() from None
    if not isinstance(payload, dict):
        raise Unauthorized()
    expires = payload.get("e")
    if not isinstance(expires, int) or isinstance(expires, bool) or not 0 < expires <= (now + MAX_LIFETIME).timestamp():
        raise Unauthorized()  # a signed but absurd expiry (e.g. 10**30) is refused, never an OverflowError
    try:
        claims = Claims(
            customer_id=str(payload["c"]),
            purpose=str(payload["p"]),
            generation=int(payload["g"]),
            expires=dt.datetime.fromtimestamp(int(payload["e"]), dt.timezone.utc),
            booking_id=str(payload["b"]) if payload.get("b") else None,
            ref=str(payload["r"]) if payload.get("r") else None,
        )
    except (KeyError, TypeError, ValueError):
        raise Unauthorized() from None
    if claims.purpose not in purposes or claims.expires <= now:
        raise Unauthorized()
    return claims
