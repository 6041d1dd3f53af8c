"""A visitor's calls to the API under test (chalice local) and the links of its e-mails on the site under test."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, urlsplit

from support import clock as run_clock

EMAIL = "karin.browser@example.se"


def call(api_url: str, method: str, path: str, data: object = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(api_url + path, data=raw, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def book(api_url: str) -> dict:
    """A real booking through the API, at the first free time from the day after tomorrow."""
    first = run_clock.open_day(2)
    status, free = call(api_url, "GET", f"/availability?service=konsultation&from={first}&to={first + dt.timedelta(days=14)}")
    assert status == 200 and free["slots"], free
    status, made = call(api_url, "POST", "/bookings", {
        "service": "konsultation", "start": free["slots"][0]["start"], "name": "Karin Webbläsare", "email": EMAIL,
        "phone": "070-111 22 33", "note": "<img src=x onerror=alert(1)>", "marketing": {"email": True, "sms": True},
    })
    assert status == 201, made
    return made


def on_site(link: str, site_url: str) -> str:
    """The e-mail's link on the site under test (chalice local was started before the site had a port)."""
    parts = urlsplit(link)
    return f"{site_url}{parts.path}#{parts.fragment}"


def fragment_token(link: str) -> str:
    return dict(parse_qsl(urlsplit(link).fragment))["t"]
