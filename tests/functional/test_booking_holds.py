"""Unpaid holds cannot block the calendar: one address holds at most two at once
(in-process and through chalice local, against DynamoDB Local and localstripe)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalicelib.store.models import Booking, Item
from support import clock as run_clock
from support.booking_data import answer, at, body, post

NOW = "2027-03-20T12:00:00+01:00"


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client


def hold(day: str, time: str, email: str = "astrid@example.se") -> dict[str, Any]:
    return body(service="laser-pigment", staff="anna", age_confirmed=True, start=at(day, time), email=email)


def snapshot() -> list[dict]:
    return sorted((i.serialize() for i in Item.scan()), key=lambda d: json.dumps(d, sort_keys=True, default=str))


def test_a_third_unpaid_hold_is_409_and_stores_nothing(api) -> None:
    for time, email in (("10:00", "astrid@example.se"), ("11:00", "Astrid@Example.SE")):
        response = post(api, "/bookings", hold("2027-03-30", time, email))
        assert response.status_code == 201, response.body
        assert answer(response)["booking"]["status"] == "awaiting_payment"
    before = snapshot()
    third = post(api, "/bookings", hold("2027-03-30", "13:00", "ASTRID@example.se"))
    assert third.status_code == 409
    error = answer(third)["error"]
    assert error["code"] == "too_many_holds" and "två obetalda" in error["message"]
    english = post(api, "/bookings", hold("2027-03-30", "13:00"), language="en")
    assert english.status_code == 409 and "two unpaid bookings" in answer(english)["error"]["message"]
    assert snapshot() == before  # nothing stored, no time held
    # Another address, and a treatment paid on the day, are not held back.
    assert post(api, "/bookings", hold("2027-03-30", "13:00", "bo@example.se")).status_code == 201
    assert post(api, "/bookings", body(start=at("2027-03-31", "10:00"))).status_code == 201


def test_a_lapsed_hold_no_longer_counts(api, monkeypatch: pytest.MonkeyPatch) -> None:
    assert post(api, "/bookings", hold("2027-03-30", "10:00")).status_code == 201
    assert post(api, "/bookings", hold("2027-03-30", "11:00")).status_code == 201
    assert post(api, "/bookings", hold("2027-03-30", "13:00")).status_code == 409
    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:15:00+01:00")  # the holds lapse at exactly 15 minutes
    assert post(api, "/bookings", hold("2027-03-30", "13:00")).status_code == 201


def call(url: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_holds_asked_for_at_once_still_stop_at_two(api_url: str, table: None) -> None:
    first = run_clock.open_day(3)
    with urllib.request.urlopen(f"{api_url}/availability?service=laser-pigment&staff=anna&from={first}"
                                f"&to={first + dt.timedelta(days=14)}", timeout=30) as response:
        starts = [s["start"] for s in json.loads(response.read())["slots"]][::4][:5]  # five that do not overlap
    assert len(starts) == 5
    barrier = threading.Barrier(len(starts), timeout=30)

    def one(start: str) -> tuple[int, dict]:
        barrier.wait()
        return call(f"{api_url}/bookings", body(service="laser-pigment", staff="anna", age_confirmed=True,
                                                start=start, email="samma@example.se"))

    with ThreadPoolExecutor(max_workers=len(starts)) as pool:
        results = list(pool.map(one, starts))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 201, 409, 409, 409], results
    assert {b["error"]["code"] for status, b in results if status == 409} == {"too_many_holds"}
    holds = [i for i in Item.scan() if isinstance(i, Booking)]
    assert len(holds) == 2 and {b.status for b in holds} == {"awaiting_payment"}
