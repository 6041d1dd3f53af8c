"""The clinic's settings through the API (Chalice in-process, DynamoDB Local): an admin changes prices,
hours, closed days and staff; the running system follows within the settings' minute (the cache's clock
is the test's), the clinic file's rules refuse what they refuse there, and every change is in the trail."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from typing import Any

import pytest
from chalicelib.core.clinic import live
from chalicelib.store import settings as store
from chalicelib.store.models import Booking, Item
from support.booking_data import at, body
from support.staff import ANNA, SARA, call, sign_in

NOW = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.timezone.utc)  # Monday 10:00 in Stockholm
DAY = "2027-03-30"  # a Tuesday: open 09-18


class Clock:
    """The settings cache's clock, moved by the test."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(live.LIVE, "clock", moved)
    monkeypatch.setattr(live.LIVE, "max_age", 60.0)
    live.LIVE.forget()
    return moved


@pytest.fixture()
def api(client, clock, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    return client


@pytest.fixture()
def anna(api, outbox) -> str:
    return sign_in(api, outbox, ANNA, NOW).session


@pytest.fixture()
def sara(api, outbox) -> str:
    return sign_in(api, outbox, SARA, NOW).session


def settings(api, session: str) -> tuple[int, dict[str, Any]]:
    status, answer = call(api, "GET", "/staff/settings", session=session)
    assert status == 200, answer
    return answer["version"], answer["settings"]


def save(api, session: str, section: str, value: Any, version: int, language: str = "sv") -> tuple[int, Any]:
    return call(api, "PUT", f"/staff/settings/{section}", {"version": version, "value": value}, session=session,
                language=language)


def price_of(api, service: str) -> int:
    status, answer = call(api, "GET", "/services")
    assert status == 200
    return next(s["price_sek"] for s in answer["services"] if s["id"] == service)


def with_price(treatments: list[dict[str, Any]], service: str, price: int) -> list[dict[str, Any]]:
    changed = copy.deepcopy(treatments)
    next(t for t in changed if t["id"] == service)["price_sek"] = price
    return changed


def slots(api, service: str, day: str, staff: str | None = None) -> list[str]:
    query = f"/availability?service={service}&from={day}&to={day}" + (f"&staff={staff}" if staff else "")
    status, answer = call(api, "GET", query)
    assert status == 200, answer
    return [s["start"] for s in answer["slots"]]


# --- the running system follows ----------------------------------------------------------------------------


def test_a_price_saved_elsewhere_reaches_services_within_a_minute_and_at_once_here(api, anna, clock) -> None:
    assert price_of(api, "ansiktsbehandling") == 895  # the clinic file: version 0
    version, values = settings(api, anna)
    assert version == 0 and [t["id"] for t in values["treatments"]][:2] == ["konsultation", "ansiktsbehandling"]
    # Another container saves (the table changes; this container's cache does not hear of it).
    store.write(0, {**values, "treatments": with_price(values["treatments"], "ansiktsbehandling", 995)},
                "treatments", values["treatments"], [], "anna", NOW)
    clock.seconds += 59
    assert price_of(api, "ansiktsbehandling") == 895  # still within the minute this container read it
    clock.seconds += 1
    assert price_of(api, "ansiktsbehandling") == 995  # a minute: read again
    # Saved in this container: at once.
    status, saved = save(api, anna, "treatments", with_price(values["treatments"], "ansiktsbehandling", 1095), 1)
    assert status == 200 and saved == {"version": 2}
    assert price_of(api, "ansiktsbehandling") == 1095


def test_the_cache_reads_once_a_minute_and_parses_only_a_new_version(api, anna, clock, monkeypatch) -> None:
    reads: list[int] = []
    original = store.read

    def counted(**kwargs: Any) -> Any:
        reads.append(1)
        return original(**kwargs)

    monkeypatch.setattr(live.LIVE, "source", counted)
    live.LIVE.forget()
    for _ in range(5):
        price_of(api, "ansiktsbehandling")
    assert len(reads) == 1  # a cold container: one GetItem, then none within the minute
    clock.seconds += 61
    price_of(api, "ansiktsbehandling")
    assert len(reads) == 2


def test_a_booking_made_before_a_price_change_keeps_its_price(api, anna) -> None:
    status, made = call(api, "POST", "/bookings", body(service="ansiktsbehandling", start=at(DAY, "10:00")))
    assert status == 201, made
    assert made["booking"]["price_sek"] == 895
    version, values = settings(api, anna)
    status, _ = save(api, anna, "treatments", with_price(values["treatments"], "ansiktsbehandling", 995), version)
    assert status == 200
    status, later = call(api, "POST", "/bookings", body(service="ansiktsbehandling", start=at(DAY, "13:00"),
                                                         email="bo@example.se", name="Bo Ek"))
    assert status == 201 and later["booking"]["price_sek"] == 995
    prices = {b.booking_id: int(b.price_sek) for b in Item.scan() if isinstance(b, Booking)}
    assert prices == {made["booking"]["id"]: 895, later["booking"]["id"]: 995}
    status, calendar = call(api, "GET", f"/staff/calendar?from={DAY}&to={DAY}", session=anna)
    assert status == 200 and len(calendar["bookings"]) == 2


def test_a_closed_day_disappears_from_availability_and_shows_on_the_public_clinic(api, anna) -> None:
    assert slots(api, "konsultation", DAY)
    version, values = settings(api, anna)
    closed = {**values["exceptions"], DAY: {"name": {"sv": "Utbildningsdag", "en": "Training day"}, "hours": None}}
    status, _ = save(api, anna, "exceptions", closed, version)
    assert status == 200
    assert slots(api, "konsultation", DAY) == []
    status, clinic = call(api, "GET", "/clinic")
    assert status == 200
    assert clinic["exceptions"][DAY] == {"name": {"sv": "Utbildningsdag", "en": "Training day"}, "hours": None}
    assert "2026-12-24" not in clinic["exceptions"]  # only from today on
    assert clinic["opening_hours"]["tuesday"] == ["09:00", "18:00"] and clinic["opening_hours"]["sunday"] is None


def test_a_new_staff_member_can_sign_in_and_is_bookable(api, anna, outbox) -> None:
    version, values = settings(api, anna)
    maja = {"id": "maja", "name": "Maja Ek", "title": {"sv": "Hudterapeut", "en": "Skin therapist"},
            "email": "maja@allavieclinic.com", "role": "staff",
            "hours": {"tuesday": ["09:00", "12:00"]}}
    status, saved = save(api, anna, "staff", [*values["staff"], maja], version)
    assert status == 200, saved
    treatments = copy.deepcopy(values["treatments"])
    treatments[0]["staff"].append("maja")
    status, saved = save(api, anna, "treatments", treatments, saved["version"])
    assert status == 200, saved
    signed = sign_in(api, outbox, "maja@allavieclinic.com", NOW)
    assert signed.staff == {"id": "maja", "name": "Maja Ek", "role": "staff"}
    free = slots(api, "konsultation", DAY, staff="maja")
    assert free[0] == at(DAY, "09:00") and free[-1] == at(DAY, "11:30")  # her hours only
    status, made = call(api, "POST", "/bookings", body(start=at(DAY, "09:00"), staff="maja"))
    assert status == 201 and made["booking"]["staff"] == "maja"


# --- the clinic file's rules, and the version --------------------------------------------------------------


def test_an_unlicensed_staff_member_on_a_regulated_treatment_is_refused_naming_the_field(api, anna) -> None:
    version, values = settings(api, anna)
    treatments = copy.deepcopy(values["treatments"])
    index = next(i for i, t in enumerate(treatments) if t["id"] == "rynkbehandling")
    treatments[index]["staff"] = ["anna", "sara"]  # Sara has no licence (lag 2021:363)
    for language, words in (("sv", "legitimerad"), ("en", "licensed")):
        status, answer = save(api, anna, "treatments", treatments, version, language=language)
        assert status == 400, answer
        assert list(answer["error"]["fields"]) == [f"treatments[{index}].staff"]
        assert words in answer["error"]["fields"][f"treatments[{index}].staff"]
    status, answer = save(api, anna, "staff", [{**values["staff"][1], "hours": {"monday": ["08:00", "12:00"]}},
                                               *values["staff"][:1], *values["staff"][2:]], version)
    assert status == 400 and list(answer["error"]["fields"]) == ["staff[0].hours.monday"]
    assert "öppettider" in answer["error"]["fields"]["staff[0].hours.monday"]
    wrong_vat = copy.deepcopy(values["treatments"])
    wrong_vat[1]["vat_percent"] = 20
    status, answer = save(api, anna, "treatments", wrong_vat, version)
    assert status == 400 and answer["error"]["fields"] == {"treatments[1].vat_percent": "Momsen ska vara 25, 12, 6 "
                                                                                        "eller 0 procent."}
    status, answer = save(api, anna, "opening_hours", ["09:00"], version)
    assert status == 400 and list(answer["error"]["fields"]) == ["opening_hours"]
    assert settings(api, anna)[0] == 0 and price_of(api, "rynkbehandling") == 2800  # nothing changed


def test_two_saves_on_one_version_give_one_200_and_one_409(api, anna, sara) -> None:
    version, values = settings(api, anna)
    first = save(api, anna, "treatments", with_price(values["treatments"], "ansiktsbehandling", 900), version)
    second = save(api, anna, "treatments", with_price(values["treatments"], "ansiktsbehandling", 950), version)
    assert first[0] == 200 and second[0] == 409 and second[1]["error"]["code"] == "version_conflict"
    assert price_of(api, "ansiktsbehandling") == 900
    # At the same instant, in the store: exactly one of many writers on one version wins.
    won: list[int] = []

    def write(price: int) -> None:
        try:
            won.append(store.write(1, {"treatments": with_price(values["treatments"], "ansiktsbehandling", price)},
                                   "treatments", [], [], "anna", NOW))
        except store.Conflict:
            pass

    threads = [threading.Thread(target=write, args=(1000 + n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won == [2]


def test_staff_get_403_and_nobody_signed_in_401(api, sara) -> None:
    for method, path in (("GET", "/staff/settings"), ("GET", "/staff/settings/history"),
                         ("PUT", "/staff/settings/treatments")):
        data = {"version": 0, "value": []} if method == "PUT" else None
        assert call(api, method, path, data, session=sara)[0] == 403
        assert call(api, method, path, data)[0] == 401


def test_the_history_lists_each_change_with_who_when_before_and_after(api, anna) -> None:
    version, values = settings(api, anna)
    hours = {**values["opening_hours"], "saturday": ["10:00", "15:00"]}
    assert save(api, anna, "opening_hours", hours, version)[0] == 200
    assert save(api, anna, "treatments", with_price(values["treatments"], "kemisk-peeling", 1250), version + 1)[0] == 200
    status, answer = call(api, "GET", "/staff/settings/history", session=anna)
    assert status == 200
    [second, first] = answer["changes"]
    assert (first["version"], first["section"], first["staff"]) == (1, "opening_hours", "anna")
    assert first["before"]["saturday"] == ["10:00", "14:00"] and first["after"]["saturday"] == ["10:00", "15:00"]
    assert first["at"] == "2027-03-22T10:00:00+01:00"
    assert (second["version"], second["section"]) == (2, "treatments")
    assert next(t for t in second["after"] if t["id"] == "kemisk-peeling")["price_sek"] == 1250


# --- removing what bookings need -------------------------------------------------------------------------


def test_removing_a_booked_treatment_lists_its_bookings_and_changes_nothing(api, anna) -> None:
    status, made = call(api, "POST", "/bookings", body(service="ansiktsbehandling", start=at(DAY, "10:00")))
    assert status == 201
    version, values = settings(api, anna)
    without = [t for t in values["treatments"] if t["id"] != "ansiktsbehandling"]
    status, answer = save(api, anna, "treatments", without, version)
    assert status == 409 and answer["error"]["code"] == "settings_in_use"
    assert [b["id"] for b in answer["error"]["bookings"]] == [made["booking"]["id"]]
    assert answer["error"]["bookings"][0]["start"] == at(DAY, "10:00")
    assert price_of(api, "ansiktsbehandling") == 895 and settings(api, anna)[0] == 0


def test_removing_a_staff_member_ends_their_sessions(api, anna, outbox) -> None:
    elin = sign_in(api, outbox, "elin@allavieclinic.com", NOW).session
    assert call(api, "GET", "/staff/me", session=elin)[0] == 200
    version, values = settings(api, anna)
    treatments = copy.deepcopy(values["treatments"])
    for treatment in treatments:
        treatment["staff"] = [s for s in treatment["staff"] if s != "elin"]
    status, saved = save(api, anna, "treatments", treatments, version)
    assert status == 200, saved
    staff = [s for s in values["staff"] if s["id"] != "elin"]
    status, saved = save(api, anna, "staff", staff, saved["version"])
    assert status == 200, saved
    from chalicelib.store.models import StaffSession

    assert not [i for i in Item.scan() if isinstance(i, StaffSession) and i.staff_id == "elin"]
    assert call(api, "GET", "/staff/me", session=elin)[0] == 401
    assert call(api, "GET", "/staff/me", session=anna)[0] == 200


def test_an_unknown_section_is_404_and_a_bad_body_400(api, anna) -> None:
    assert save(api, anna, "nothing", [], 0)[0] == 404
    status, answer = call(api, "PUT", "/staff/settings/treatments", {"value": []}, session=anna)
    assert status == 400 and "version" in answer["error"]["fields"]
    status, answer = call(api, "PUT", "/staff/settings/treatments", {"version": 0, "value": [], "x": 1}, session=anna)
    assert status == 400 and "x" in answer["error"]["fields"]
