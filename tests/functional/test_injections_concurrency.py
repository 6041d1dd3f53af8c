"""A consultation cancelled at the very moment its treatment is booked, through the real HTTP server
(``chalice local``) against DynamoDB Local: whichever wins, no treatment stands on a cancelled
consultation unflagged (lag 2021:363)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlsplit

from chalicelib.store.models import Booking, Item
from support import clock as run_clock

TIMEOUT = 30
ROUNDS = 5


def call(method: str, url: str, data: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    raw = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=raw, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def free(api_url: str, service: str, day: dt.date) -> list[str]:
    status, body = call("GET", f"{api_url}/availability?service={service}&staff=anna&from={day}&to={day}")
    assert status == 200, body
    return [s["start"] for s in body["slots"]]


def person(service: str, start: str, email: str) -> dict:
    return {"service": service, "start": start, "staff": "anna", "name": "Kund", "email": email,
            "phone": "070-123 45 67", "marketing": {"email": False, "sms": False}, "age_confirmed": True}


def manage_token(outbox, email: str, booking_id: str) -> str:
    for message in outbox.emails_to(email):
        for link in outbox.links(message):
            params = dict(parse_qsl(urlsplit(link).fragment))
            if "/hantera/" in link and params.get("b") == booking_id:
                return params["t"]
    raise AssertionError("no manage link")


def test_a_consultation_cancelled_while_its_treatment_is_booked_never_leaves_it_unflagged(api_url: str, table: None,
                                                                                         outbox) -> None:
    # A day whose consultation times are free, and a day for the treatment two days after it (the real clock).
    day = next(d for d in (run_clock.today() + dt.timedelta(days=n) for n in range(3, 20))
               if len(free(api_url, "injektionskonsultation", d)) >= 3 * ROUNDS
               and len(free(api_url, "fillers-lappar", d + dt.timedelta(days=2))) >= 5 * ROUNDS)
    consultations = free(api_url, "injektionskonsultation", day)[::3]  # 45 minutes apart: none overlaps
    treatments = free(api_url, "fillers-lappar", day + dt.timedelta(days=2))[::5]  # 75 minutes apart
    outcomes = []
    for i in range(ROUNDS):
        email = f"race{i}@example.se"
        status, made = call("POST", f"{api_url}/bookings", person("injektionskonsultation", consultations[i], email))
        assert status == 201, made
        consultation = made["booking"]["id"]
        token = manage_token(outbox, email, consultation)
        barrier = threading.Barrier(2, timeout=TIMEOUT)

        def cancel() -> tuple[int, dict]:
            barrier.wait()
            return call("POST", f"{api_url}/bookings/{consultation}/cancel", None, token)

        def book() -> tuple[int, dict]:
            barrier.wait()
            return call("POST", f"{api_url}/bookings", person("fillers-lappar", treatments[i], email))

        with ThreadPoolExecutor(max_workers=2) as pool:
            cancelled, booked = pool.submit(cancel), pool.submit(book)
            (cancel_status, _), (book_status, book_body) = cancelled.result(TIMEOUT * 2), booked.result(TIMEOUT * 2)
        assert cancel_status == 200
        assert book_status in (201, 409), book_body
        mine = [b for b in Item.scan() if isinstance(b, Booking) and b.service_id == "fillers-lappar"
                and b.start == dt.datetime.fromisoformat(treatments[i])]
        if book_status == 201:
            [treatment] = mine
            assert treatment.flag == "consultation_required"  # the cancel's review saw it and flagged it
            outcomes.append("flagged")
        else:
            assert book_body["error"]["code"] == "consultation_required" and mine == []
            outcomes.append("refused")
    assert len(outcomes) == ROUNDS
