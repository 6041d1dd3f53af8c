"""Signing staff in as a person does: the link from the outbox, the enrolment's secret, a TOTP code
computed with pyotp for the API's clock (``ALLAVIE_NOW`` in process, the real one over HTTP)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pyotp

from support import clock as run_clock

ANNA = "anna@allavieclinic.com"  # admin in the clinic file
SARA = "sara@allavieclinic.com"  # staff


@dataclass
class Signed:
    session: str
    secret: str
    staff: dict[str, Any]


def link_token(outbox: Any, address: str) -> str:
    """The token of the newest sign-in link e-mailed to ``address``."""
    mail = [m for m in outbox.emails_to(address) if "/personal/#t=" in outbox.text(m)][-1]
    link = next(link for link in outbox.links(mail) if "/personal/#t=" in link)
    return dict(parse_qsl(urlsplit(link).fragment))["t"]


def code_at(secret: str, moment: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def call(client: Any, method: str, path: str, data: Any = None, session: str | None = None,
         language: str = "sv") -> tuple[int, Any]:
    """One call through Chalice's test client: (status, JSON or None)."""
    headers = {"Content-Type": "application/json", "Accept-Language": language}
    if session:
        headers["Authorization"] = f"Bearer {session}"
    raw = "" if data is None else json.dumps(data)
    response = getattr(client.http, method.lower())(path, headers=headers, body=raw)
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    raw = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
    body = json.loads(raw) if raw and headers.get("content-type", "").startswith("application/json") else raw
    return response.status_code, body


def sign_in(client: Any, outbox: Any, address: str, now: dt.datetime, secret: str | None = None) -> Signed:
    """The whole sign-in: link, enrolment if needed (``secret`` None), a code for ``now``."""
    status, _ = call(client, "POST", "/staff/signin", {"email": address})
    assert status == 202
    token = link_token(outbox, address)
    if secret is None:
        status, enrol = call(client, "POST", "/staff/session", {"token": token})
        assert status == 200, enrol
        secret = enrol["enrol"]["secret"]
    status, opened = call(client, "POST", "/staff/session", {"token": token, "code": code_at(secret, now)})
    assert status == 200, opened
    return Signed(opened["session"], secret, opened["staff"])


def http_call(method: str, url: str, data: Any = None, session: str | None = None,
              timeout: float = 30) -> tuple[int, Any]:
    """One call over HTTP (``chalice local``): (status, JSON or None)."""
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json", "Accept-Language": "sv"}
    if session:
        headers["Authorization"] = f"Bearer {session}"
    body = None if data is None else json.dumps(data).encode("utf-8")
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def sign_in_http(api_url: str, outbox: Any, address: str) -> str:
    """A session from ``chalice local`` (its real clock): link from the outbox, enrolment, a code for now."""
    assert http_call("POST", f"{api_url}/staff/signin", {"email": address})[0] == 202
    token = link_token(outbox, address)
    status, enrol = http_call("POST", f"{api_url}/staff/session", {"token": token})
    assert status == 200, enrol
    code = pyotp.TOTP(enrol["enrol"]["secret"]).at(run_clock.now())
    status, opened = http_call("POST", f"{api_url}/staff/session", {"token": token, "code": code})
    assert status == 200, opened
    return str(opened["session"])
