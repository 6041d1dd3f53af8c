"""Being Stripe for in-process tests: events signed the way Stripe signs them.

The in-process ``client`` gets no webhooks from localstripe, so these tests
build the delivery themselves: ``Stripe-Signature: t=<unix>,v1=<hex>`` where
the hex is HMAC-SHA256 over ``"<t>.<payload>"`` with the endpoint's secret
(Stripe's documented scheme, the one ``stripe.WebhookSignature`` verifies).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from typing import Any


def event(event_type: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test{secrets.token_hex(8)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "api_version": "2026-10-28",
    }


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"%d." % stamp + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def delivery(evt: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery of ``evt``."""
    payload = json.dumps(evt, indent=2, ensure_ascii=False).encode("utf-8")
    return payload, {"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": sign(payload, secret, timestamp)}


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """POST over HTTP (to chalice local), returning status and JSON."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
