"""Staff and visitors race for one staff member's slot through the real HTTP server (``chalice local``,
real clock) against DynamoDB Local: the same transaction serves both, so exactly one wins."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pyotp
from chalicelib.store.models import Booking, Item, SlotLock
from support import clock as run_clock
from support.outbox import Outbox
from support.races import TIMEOUT, WORKERS, call, future_slots, person
from support.staff import SARA, link_token


def staff_session(api_url: str, outbox: Outbox) -> str:
    assert call("POST", f"{api_url}/staff/signin", {"email": SARA})[0] == 202
    token = link_token(outbox, SARA)
    status, enrol = call("POST", f"{api_url}/staff/session", {"token": token})
    assert status == 200, enrol
    code = pyotp.TOTP(enrol["enrol"]["secret"]).at(run_clock.now())
    status, opened = call("POST", f"{api_url}/staff/session", {"token": token, "code": code})
    assert status == 200, opened
    return opened["session"]


def call_as(session: str, url: str, data: dict) -> tuple[int, dict]:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(data).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {session}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_thirty_bookings_half_online_half_by_staff_give_one(api_url: str, table: None, outbox: Outbox) -> None:
    session = staff_session(api_url, outbox)
    start = future_slots(api_url, "konsultation", "sara")[0]
    jobs = [("public", person(i, start)) if i % 2 else ("staff", {**person(i, start), "payment": "at_clinic"})
            for i in range(30)]
    barrier = threading.Barrier(WORKERS, timeout=TIMEOUT)

    def one(job: tuple[str, dict]) -> tuple[str, int, dict]:
        kind, data = job
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        if kind == "public":
            return (kind, *call("POST", f"{api_url}/bookings", data))
        return (kind, *call_as(session, f"{api_url}/staff/bookings", data))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(one, jobs, timeout=TIMEOUT * 2))
    statuses = sorted(status for _, status, _ in results)
    assert statuses == [201] + [409] * 29, results
    assert {body["error"]["code"] for _, status, body in results if status == 409} == {"slot_taken"}
    bookings = [i for i in Item.scan() if isinstance(i, Booking)]
    assert len(bookings) == 1
    locks = [i for i in Item.scan() if isinstance(i, SlotLock)]
    assert len(locks) == 3 and {lock.booking_id for lock in locks} == {bookings[0].booking_id}


def test_a_block_and_bookings_racing_for_its_time_leave_every_booking_listed_or_refused(
        api_url: str, table: None, outbox: Outbox) -> None:
    session = staff_session(api_url, outbox)
    starts = future_slots(api_url, "konsultation", "sara")
    day = dt.datetime.fromisoformat(starts[0]).date()
    todays = [s for s in starts if dt.datetime.fromisoformat(s).date() == day][:24:3][:8]
    block = {"staff": "sara", "start": todays[0], "end": (dt.datetime.fromisoformat(todays[-1])
                                                           + dt.timedelta(minutes=30)).isoformat(), "reason": "Sjuk"}
    jobs = [("block", block)] + [("public", person(i, s)) for i, s in enumerate(todays)]
    barrier = threading.Barrier(len(jobs), timeout=TIMEOUT)

    def one(job: tuple[str, dict]) -> tuple[str, int, dict]:
        kind, data = job
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        if kind == "block":
            return (kind, *call_as(session, f"{api_url}/staff/blocks", data))
        return (kind, *call("POST", f"{api_url}/bookings", data))

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(one, jobs, timeout=TIMEOUT * 2))
    [(_, status, made)] = [r for r in results if r[0] == "block"]
    assert status == 201, made
    booked = {body["booking"]["id"] for kind, status, body in results if kind == "public" and status == 201}
    refused = [body for kind, status, body in results if kind == "public" and status != 201]
    assert all(body["error"]["code"] == "slot_taken" for body in refused)
    # Every booking that got in before the block is listed as its conflict; no other booking exists.
    assert {c["id"] for c in made["conflicts"]} == booked
    assert {b.booking_id for b in Item.scan() if isinstance(b, Booking)} == booked
