"""Races through the real HTTP server (chalice local): calls, free times, bodies and a released-together pool."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from support import clock as run_clock

TIMEOUT = 30


def call(method: str, url: str, data: dict | None = None) -> tuple[int, dict]:
    raw = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=raw, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def future_slots(api_url: str, service: str, staff: str) -> list[str]:
    """Free times of a few days ahead (the server runs on the real clock)."""
    first = run_clock.open_day(3)
    last = first + dt.timedelta(days=14)
    status, body = call("GET", f"{api_url}/availability?service={service}&staff={staff}&from={first}&to={last}")
    assert status == 200, body
    assert body["slots"], "no free time in the coming two weeks"
    return [s["start"] for s in body["slots"]]


def person(i: int, start: str, email: str | None = None) -> dict:
    return {"service": "konsultation", "start": start, "staff": "sara", "name": "Kund " + chr(ord("A") + i % 26) * (1 + i // 26),
            "email": email or f"kund{i}@example.se", "phone": "070-123 45 67", "marketing": {"email": False, "sms": False}}


WORKERS = 30  # all at once (allavie.api_server gives chalice local a listen queue deep enough)


def race(api_url: str, bodies: list[dict]) -> list[tuple[int, dict]]:
    """Send the bodies from a bounded pool, the first WORKERS released together by a barrier."""
    barrier = threading.Barrier(min(WORKERS, len(bodies)), timeout=TIMEOUT)
    released = threading.Event()

    def one(data: dict) -> tuple[int, dict]:
        if not released.is_set():
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
            released.set()
        return call("POST", f"{api_url}/bookings", data)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(one, bodies, timeout=TIMEOUT * 2))
