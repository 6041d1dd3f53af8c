"""A small back office to attack (Chalice in process, DynamoDB Local): two customers, one visit that has
taken place (completed, with an open complaint) and one ahead, and a staff member and an admin signed in
after the visit. Used by the security tests of the staff API (``tests/security/test_staff_*.py``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from support.booking_data import answer, at, body, fragment, post
from support.staff import ANNA, SARA, call, sign_in

BOOKED = "2027-03-20T12:00:00+01:00"
VISIT_DAY = "2027-03-30"
AFTER_VISIT = "2027-03-30T11:00:00+02:00"  # the visit (10:00) has taken place
AHEAD_DAY = "2027-04-06"


@dataclass
class Person:
    id: str
    name: str
    email: str
    phone: str
    booking: str

    def marks(self) -> tuple[str, ...]:
        """What of this person an answer may show: any of these in an answer is a look at their data (the id
        alone, as the access log's own lines name it, is not)."""
        return self.email, self.phone, self.name


@dataclass
class World:
    client: Any
    visited: Person            # a visit that took place (completed), with an open complaint
    ahead: Person              # a confirmed booking a week later
    complaint: str
    sessions: dict[str, str] = field(default_factory=dict)  # "sara" (staff), "anna" (admin)

    def people(self) -> list[Person]:
        return [self.visited, self.ahead]

    def call(self, method: str, path: str, data: Any = None, who: str = "sara") -> tuple[int, Any]:
        return call(self.client, method, path, data, session=self.sessions[who])

    def shown(self, answer: Any) -> list[Person]:
        """The people whose data ``answer`` carries (their address, phone or name)."""
        text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
        return [p for p in self.people() if any(mark and mark in text for mark in p.marks())]


def _data_link(client: Any, outbox: Any, address: str) -> str:
    assert post(client, "/links", {"email": address}).status_code == 202
    mail = outbox.emails_to(address)[-1]
    return fragment(next(u for u in outbox.links(mail) if "/mina-uppgifter/#" in u))["t"]


def build(client: Any, outbox: Any, monkeypatch: Any) -> World:
    """The world at ``AFTER_VISIT``, Sara and Anna signed in then."""
    monkeypatch.setenv("ALLAVIE_NOW", BOOKED)
    made = {}
    for key, day, name, email, phone in (("visited", VISIT_DAY, "Astrid Lind", "astrid@example.se", "+46701234567"),
                                         ("ahead", AHEAD_DAY, "Bo Berg", "bo@example.se", "+46707654321")):
        response = post(client, "/bookings", body(start=at(day, "10:00"), name=name, email=email, phone=phone))
        assert response.status_code == 201, response.body
        made[key] = answer(response)["booking"]["id"]
    monkeypatch.setenv("ALLAVIE_NOW", AFTER_VISIT)
    now = dt.datetime.fromisoformat(AFTER_VISIT)
    sessions = {"sara": sign_in(client, outbox, SARA, now).session, "anna": sign_in(client, outbox, ANNA, now).session}
    status, marked = call(client, "POST", f"/staff/bookings/{made['visited']}/outcome", {"outcome": "completed"},
                          session=sessions["sara"])
    assert status == 200, marked
    visited_id = marked["booking"]["customer"]["id"]
    status, other = call(client, "GET", f"/staff/bookings/{made['ahead']}", session=sessions["sara"])
    assert status == 200, other
    link = _data_link(client, outbox, "astrid@example.se")
    filed = post(client, f"/bookings/{made['visited']}/complaints", {"text": "Huden flagnar."}, link)
    assert filed.status_code == 201, filed.body
    return World(client,
                 Person(visited_id, "Astrid Lind", "astrid@example.se", "+46701234567", made["visited"]),
                 Person(other["booking"]["customer"]["id"], "Bo Berg", "bo@example.se", "+46707654321", made["ahead"]),
                 answer(filed)["complaint"]["id"], sessions)
