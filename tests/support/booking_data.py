"""Bodies and helpers for the booking tests (booking capability)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day: str, time: str) -> str:
    """A Stockholm wall-clock time as the API speaks it, e.g. at("2027-03-30", "09:00")."""
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), STOCKHOLM)
    return moment.isoformat(timespec="seconds")


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": "konsultation",
        "start": at("2027-03-30", "10:00"),
        "staff": "sara",
        "name": "Astrid Lind",
        "email": "astrid@example.se",
        "phone": "070-123 45 67",
        "marketing": {"email": False, "sms": False},
    }
    for key, value in overrides.items():
        if value is DROP:
            data.pop(key, None)
        else:
            data[key] = value
    return data


DROP = object()


def post(client: Any, path: str, data: Any, token: str | None = None, language: str = "sv") -> Any:
    headers = {"Content-Type": "application/json", "Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = data if isinstance(data, str | bytes) else "" if data is None else json.dumps(data)
    return client.http.post(path, headers=headers, body=raw)


def get(client: Any, path: str, token: str | None = None, language: str = "sv") -> Any:
    headers = {"Accept-Language": language}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.http.get(path, headers=headers)


def answer(response: Any) -> Any:
    return json.loads(response.body)


def fragment(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).fragment))
