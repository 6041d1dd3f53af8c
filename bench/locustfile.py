"""Visitors of the booking page, for locust (``bench/load.py`` runs it headless against chalice local).

Each visitor comes from an address of their own (X-Forwarded-For, as CloudFront passes it), reads the
treatments, browses availability, books a free time with an address of their own, and some cancel
from the link in their confirmation e-mail (read from the local outbox, as they would click it).
A 409 is an answer the API gives on purpose (the time was taken meanwhile): counted, never a failure.
A visitor takes at most the clinic file's ``booking.max_holds_per_requester_hour`` unpaid holds (prepaid
treatments) in the run, as a person would: more from one address within the hour is answered 429 on
purpose, and a load that asked for it would count the limit working as an error.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import random
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml
from locust import HttpUser, between, events, task

OUTBOX = Path(os.environ.get("OUTBOX_DIR", "var/outbox"))
CONFLICTS = {"count": 0}
PREPAID = {"kemisk-peeling"}  # of SERVICES: a booking is an unpaid hold until it is paid
CLINIC = Path(__file__).resolve().parents[1] / "functions" / "chalicelib" / "clinic.yml"
HOLDS_PER_HOUR = int(yaml.safe_load(CLINIC.read_text(encoding="utf-8"))["booking"]["max_holds_per_requester_hour"])
SERVICES = (("konsultation", ("sara", "elin")), ("kemisk-peeling", ("sara", "elin")))


@events.test_stop.add_listener
def _report(environment, **_: object) -> None:  # noqa: ANN001
    print(f"locust: 409 answers (time taken meanwhile): {CONFLICTS['count']}", flush=True)


def manage_token(booking_id: str, wait: float = 5.0) -> str | None:
    """The token of the manage link in the booking's confirmation, once the stream has sent it."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for path in OUTBOX.glob("*.eml"):
            raw = path.read_bytes()
            if f"b={booking_id}".encode() not in raw:
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            for word in (body.get_content() if body is not None else "").split():
                if "/hantera/#t=" in word and word.endswith(f"b={booking_id}"):
                    return dict(parse_qsl(urlsplit(word).fragment)).get("t")
        time.sleep(0.2)
    return None


class Visitor(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"  # noqa: S311
        self.client.headers["Content-Type"] = "application/json"
        self.slots: list[dict] = []
        self.holds = 0  # unpaid holds this visitor took (one address, well within the hour)
        self.service = "konsultation"
        self.client.get("/services", name="/services")

    @task(5)
    def browse(self) -> None:
        self.service, staff = random.choice(SERVICES)  # noqa: S311
        first = dt.date.today() + dt.timedelta(days=random.randint(2, 20))  # noqa: S311
        last = first + dt.timedelta(days=6)
        answer = self.client.get(f"/availability?service={self.service}&staff={random.choice(staff)}"  # noqa: S311
                                 f"&from={first}&to={last}", name="/availability")
        if answer.status_code == 200:
            self.slots = answer.json()["slots"]

    @task(2)
    def book(self) -> None:
        if not self.slots:
            self.browse()
        if not self.slots or (self.service in PREPAID and self.holds >= HOLDS_PER_HOUR):
            return
        slot = random.choice(self.slots)  # noqa: S311
        data = {"service": self.service, "start": slot["start"], "staff": slot["staff"][0], "name": "Last Besökare",
                "email": f"last-{secrets.token_hex(6)}@example.se", "phone": "070-123 45 67",
                "marketing": {"email": False, "sms": False}}
        with self.client.post("/bookings", json=data, name="/bookings", catch_response=True) as answer:
            if answer.status_code == 409:
                CONFLICTS["count"] += 1
                answer.success()
                self.slots = [s for s in self.slots if s is not slot]
                return
            if answer.status_code != 201:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
                return
            booking = answer.json()["booking"]
        if booking["status"] == "awaiting_payment":
            self.holds += 1
        if booking["status"] == "confirmed" and random.random() < 0.3:  # noqa: S311 - some cancel
            token = manage_token(booking["id"])
            if token is None:
                return
            with self.client.post(f"/bookings/{booking['id']}/cancel", name="/bookings/{id}/cancel",
                                  headers={"Authorization": f"Bearer {token}"}, catch_response=True) as cancelled:
                if cancelled.status_code != 200:
                    cancelled.failure(f"{cancelled.status_code}: {cancelled.text[:200]}")
