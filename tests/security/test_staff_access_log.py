"""Access-log completeness (issue 28, finding 2): every ``/staff/`` route, taken from Chalice's own route
table so that a new route fails here until it has a step, is called by a signed-in member; whenever its
answer carries a customer's name, address or phone, that member's access log on the customer has grown.
Among them the four ways the attacker read customers unlogged: a reschedule to the same start, a cancel of
a cancelled booking, the same outcome again, and a booking by staff with a known customer's address."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from chalicelib.store.models import AccessEntry, Item
from support import staff_world
from support.booking_data import at
from support.staff import SARA
from support.staff_world import AHEAD_DAY, VISIT_DAY, World

OFFER = {"subject": "Vårens erbjudande", "text": "20 % på ansiktsbehandlingar.", "channels": ["email"]}


@dataclass
class Step:
    method: str
    route: str                                   # the route's path as Chalice has it
    path: Callable[[World, dict[str, Any]], str]  # the path to call, from the world and what earlier steps answered
    data: Callable[[World, dict[str, Any]], Any] | None = None
    who: str = "sara"
    shows: bool = False                          # must answer a customer's data (the test cannot pass vacuously)
    keep: str | None = None                      # remember the answer under this name


def fixed(text: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda world, kept: text


STEPS = [
    Step("POST", "/staff/signin", fixed("/staff/signin"), lambda w, k: {"email": SARA}),
    Step("POST", "/staff/session", fixed("/staff/session"), lambda w, k: {"token": "x" * 43, "code": "000000"}),
    Step("GET", "/staff/me", fixed("/staff/me")),
    Step("GET", "/staff/calendar", fixed(f"/staff/calendar?from={VISIT_DAY}&to={AHEAD_DAY}"), shows=True),
    Step("GET", "/staff/availability", fixed(f"/staff/availability?service=konsultation&from={AHEAD_DAY}&to={AHEAD_DAY}")),
    # A known address with an invented name: the answer is the stored customer (name and phone).
    Step("POST", "/staff/bookings", fixed("/staff/bookings"), lambda w, k: {
        "service": "konsultation", "start": at(AHEAD_DAY, "13:00"), "staff": "sara", "name": "Vem Som Helst",
        "email": w.visited.email, "phone": "0701112233"}, shows=True, keep="booked"),
    Step("GET", "/staff/bookings/{booking_id}", lambda w, k: f"/staff/bookings/{w.ahead.booking}", shows=True),
    Step("POST", "/staff/bookings/{booking_id}/reschedule", lambda w, k: f"/staff/bookings/{w.ahead.booking}/reschedule",
         lambda w, k: {"start": at(AHEAD_DAY, "10:00")}, shows=True),
    Step("POST", "/staff/bookings/{booking_id}/cancel", lambda w, k: f"/staff/bookings/{w.ahead.booking}/cancel",
         lambda w, k: {"refund": False}, shows=True),
    Step("POST", "/staff/bookings/{booking_id}/cancel", lambda w, k: f"/staff/bookings/{w.ahead.booking}/cancel",
         lambda w, k: {"refund": False}, who="anna", shows=True),  # already cancelled
    Step("POST", "/staff/bookings/{booking_id}/outcome", lambda w, k: f"/staff/bookings/{w.visited.booking}/outcome",
         lambda w, k: {"outcome": "completed"}, who="anna", shows=True),  # the same outcome again
    Step("POST", "/staff/bookings/{booking_id}/confirmations",
         lambda w, k: f"/staff/bookings/{w.visited.booking}/confirmations",
         lambda w, k: {"age_checked": True, "consent_after_betanketid": True}),
    Step("GET", "/staff/bookings/{booking_id}/photos", lambda w, k: f"/staff/bookings/{w.visited.booking}/photos"),
    Step("GET", "/staff/complaints", fixed("/staff/complaints"), shows=True),
    Step("POST", "/staff/complaints/{complaint_id}/reply", lambda w, k: f"/staff/complaints/{w.complaint}/reply",
         lambda w, k: {"text": "Vi ringer dig i morgon."}, who="anna", shows=True),
    Step("POST", "/staff/blocks", fixed("/staff/blocks"), lambda w, k: {
        "staff": "sara", "start": at(AHEAD_DAY, "12:00"), "end": at(AHEAD_DAY, "15:00"), "reason": "Kurs"},
        shows=True, keep="block"),
    Step("DELETE", "/staff/blocks/{block_id}", lambda w, k: f"/staff/blocks/{k['block']['block']['id']}"),
    Step("GET", "/staff/customers", fixed("/staff/customers?q=Astrid"), shows=True),
    Step("GET", "/staff/customers/{customer_id}", lambda w, k: f"/staff/customers/{w.ahead.id}", shows=True),
    Step("GET", "/staff/customers/{customer_id}/export", lambda w, k: f"/staff/customers/{w.ahead.id}/export",
         shows=True),
    Step("GET", "/staff/access-log", lambda w, k: f"/staff/access-log?customer={w.visited.id}", who="anna"),
    Step("GET", "/staff/feed", fixed("/staff/feed"), keep="feed"),
    Step("POST", "/staff/feed/renew", fixed("/staff/feed/renew"), keep="feed"),
    Step("GET", "/staff/feed/{name}", lambda w, k: "/staff/feed/" + k["feed"]["url"].rsplit("/", 1)[1]),
    Step("POST", "/staff/offers", fixed("/staff/offers"), lambda w, k: OFFER, who="anna", keep="offer"),
    Step("GET", "/staff/offers", fixed("/staff/offers")),
    Step("GET", "/staff/offers/{offer_id}", lambda w, k: f"/staff/offers/{k['offer']['offer']['id']}"),
    Step("PUT", "/staff/offers/{offer_id}", lambda w, k: f"/staff/offers/{k['offer']['offer']['id']}",
         lambda w, k: OFFER, who="anna"),
    Step("GET", "/staff/offers/{offer_id}/preview", lambda w, k: f"/staff/offers/{k['offer']['offer']['id']}/preview"),
    Step("POST", "/staff/offers/{offer_id}/send", lambda w, k: f"/staff/offers/{k['offer']['offer']['id']}/send",
         who="anna"),
    Step("DELETE", "/staff/offers/{offer_id}", fixed("/staff/offers/0123456789abcdef"), who="anna"),
    Step("POST", "/staff/customers/{customer_id}/erase", fixed("/staff/customers/0123456789abcdef0123/erase"),
         who="anna"),
    Step("GET", "/staff/settings", fixed("/staff/settings"), who="anna"),
    Step("PUT", "/staff/settings/{section}", fixed("/staff/settings/opening_hours"),
         lambda w, k: {"version": 999, "value": {}}, who="anna"),  # a version not read: 409, nothing changes
    Step("GET", "/staff/settings/history", fixed("/staff/settings/history"), who="anna"),
    Step("GET", "/staff/reports", fixed(f"/staff/reports?from={VISIT_DAY}&to={AHEAD_DAY}"), who="anna"),
    Step("GET", "/staff/reports/sie", fixed(f"/staff/reports/sie?year={str(VISIT_DAY)[:4]}"), who="anna"),
    Step("DELETE", "/staff/session", fixed("/staff/session"), who="anna"),  # last: it ends Anna's session
]


def staff_routes() -> set[tuple[str, str]]:
    from app import app

    return {(method, path) for path, methods in app.routes.items() if path.startswith("/staff/") for method in methods}


def views_of(customer_id: str, staff_id: str) -> int:
    return sum(int(i.views or 0) for i in Item.scan(consistent_read=True)
               if isinstance(i, AccessEntry) and i.pk == f"CUST#{customer_id}" and i.staff_id == staff_id)


def test_every_staff_route_has_a_step() -> None:
    """A route added to the back office fails here until the walk below calls it."""
    assert staff_routes() - {(s.method, s.route) for s in STEPS} == set()


@pytest.fixture()
def world(client, outbox, monkeypatch) -> World:
    return staff_world.build(client, outbox, monkeypatch)


def test_every_staff_answer_that_shows_a_customer_is_in_the_access_log(world: World) -> None:
    kept: dict[str, Any] = {}
    unlogged = []
    for step in STEPS:
        staff_id = "sara" if step.who == "sara" else "anna"
        before = {p.id: views_of(p.id, staff_id) for p in world.people()}
        status, answer = world.call(step.method, step.path(world, kept), step.data(world, kept) if step.data else None,
                                    who=step.who)
        assert status < 500, (step.method, step.route, answer)
        shown = world.shown(answer) if status < 300 else []
        if step.shows:
            assert shown, f"{step.method} {step.route} was to show a customer: {status} {answer}"
        unlogged += [(step.method, step.route, p.name) for p in shown if views_of(p.id, staff_id) <= before[p.id]]
        if step.keep:
            kept[step.keep] = answer
    assert unlogged == []
