"""Who may do what in the back office (issue 28): one rule for money back once a visit has taken place
(admins only, for a cancel after the start as for a complaint, finding 3), and a staff member's export of a
customer: without the admins' access log and not counted as a data-subject request (finding 9)."""

from __future__ import annotations

import pytest
from chalicelib.store.models import Booking, Item, RightsRequest
from support import staff_world
from support.booking_data import answer, at, body, post
from support.staff_world import BOOKED, VISIT_DAY, World


@pytest.fixture()
def world(client, outbox, monkeypatch) -> World:
    return staff_world.build(client, outbox, monkeypatch)


def started_unmarked(world: World, monkeypatch) -> str:
    """A visit at 10:00 with Anna that nobody marked yet (it is 11:00): still ``confirmed``."""
    monkeypatch.setenv("ALLAVIE_NOW", BOOKED)
    made = post(world.client, "/bookings", body(start=at(VISIT_DAY, "10:00"), staff="anna", name="Cilla Ek",
                                                email="cilla@example.se", phone="070-111 22 33"))
    assert made.status_code == 201, made.body
    monkeypatch.setenv("ALLAVIE_NOW", staff_world.AFTER_VISIT)
    return answer(made)["booking"]["id"]


def status_of(booking_id: str) -> str:
    return next(i.status for i in Item.scan(consistent_read=True) if isinstance(i, Booking) and i.booking_id == booking_id)


def test_only_an_admin_refunds_a_visit_that_has_started(world: World, monkeypatch) -> None:
    booking_id = started_unmarked(world, monkeypatch)
    status, refused = world.call("POST", f"/staff/bookings/{booking_id}/cancel", {"refund": True}, who="sara")
    assert status == 403, refused
    assert status_of(booking_id) == "confirmed"  # nothing changed
    # Without a refund a staff member may still cancel it (a no-show's time given back is their daily work) ...
    status, done = world.call("POST", f"/staff/bookings/{booking_id}/cancel", {"refund": False}, who="sara")
    assert status == 200 and done["booking"]["status"] == "cancelled", done


def test_an_admin_refunds_after_the_visit_and_staff_before_it(world: World, monkeypatch) -> None:
    booking_id = started_unmarked(world, monkeypatch)
    status, done = world.call("POST", f"/staff/bookings/{booking_id}/cancel", {"refund": True}, who="anna")
    assert status == 200 and done["booking"]["status"] == "cancelled", done
    status, ahead = world.call("POST", f"/staff/bookings/{world.ahead.booking}/cancel", {"refund": True}, who="sara")
    assert status == 200 and ahead["booking"]["status"] == "cancelled", ahead


def test_a_complaints_refund_follows_the_same_rule(world: World) -> None:
    status, refused = world.call("POST", f"/staff/complaints/{world.complaint}/reply", {
        "text": "Vi betalar tillbaka en del.", "close": {"outcome": "partial_refund", "refund_sek": 100}}, who="sara")
    assert status == 403, refused


def requests_recorded() -> list[RightsRequest]:
    """The data-subject requests answered from the back office (channel ``staff``)."""
    return [i for i in Item.scan(consistent_read=True) if isinstance(i, RightsRequest) and i.channel == "staff"]


def test_a_staff_members_export_has_no_access_log_and_is_no_request(world: World) -> None:
    for _ in range(3):
        status, document = world.call("GET", f"/staff/customers/{world.visited.id}/export", who="sara")
        assert status == 200 and document["customer"]["email"] == world.visited.email, document
        assert "access_log" not in document
    assert requests_recorded() == []
    # An admin's is the complete answer to a request: the access log in it (Sara's exports too), counted once.
    status, complete = world.call("GET", f"/staff/customers/{world.visited.id}/export", who="anna")
    assert status == 200, complete
    assert sorted(e["staff"] for e in complete["access_log"] if e["what"] == "export") == ["anna", "sara"]
    [request] = requests_recorded()
    assert request.request_type == "access"
