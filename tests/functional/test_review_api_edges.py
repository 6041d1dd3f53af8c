"""A reviewer's edge cases over the whole API (Chalice in-process, DynamoDB Local, localstripe):
bodies no form would send, time at its boundaries, and a bounded fuzz that no route answers with a 500
and no 4xx changes what is stored."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from chalicelib.store.models import Item, RateLimit, RightsRequest
from support.booking_data import answer, at, body, get, post
from support.outbox import settle

NOW = "2027-03-20T12:00:00+01:00"  # a Saturday, ten days before the bookings below


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client


def stored() -> list[dict[str, Any]]:
    """What the table holds that a request could change (rate counters and request records excepted)."""
    return sorted((item.serialize() for item in Item.scan() if not isinstance(item, RateLimit | RightsRequest)),
                  key=lambda raw: json.dumps(raw, sort_keys=True))


def error_of(response: Any) -> dict[str, Any]:
    error = answer(response)["error"]
    assert set(error) == {"code", "message", "fields"} and error["message"], error
    return error


# --- bodies no form sends -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "field"), [
    ("[" * 5000, "body"),                                   # nested past Python's recursion limit
    ('{"a":' * 3000 + "1" + "}" * 3000, "body"),
    (json.dumps(body(note="hej \ud800")), "note"),            # a lone surrogate: valid JSON, no text
    (json.dumps(body(name="Astrid \udfff")), "name"),
    ('{"\\ud800": 1}', "body"),
    (json.dumps(body(start="0001-01-01T00:00:00+14:00")), "start"),  # before datetime.min in UTC
    (json.dumps(body(start="9999-12-31T23:59:59-23:59")), "start"),  # after datetime.max in UTC
    (json.dumps(body(start="9999-12-30T10:00:00+01:00")), "start"),  # its retention date would overflow
    (json.dumps(body(name="Astrid \u202eLind")), "name"),      # right-to-left override
])
def test_bodies_no_form_sends_are_400_naming_the_field(api, outbox, raw: str, field: str) -> None:
    response = post(api, "/bookings", raw, language="en")
    assert response.status_code == 400, response.body
    assert field in error_of(response)["fields"]
    assert stored() == [] and outbox.emails() == []


@pytest.mark.parametrize("query", [
    "service=konsultation&from=9999-12-31&to=9999-12-31",
    "service=konsultation&from=2027-03-21&to=9999-12-31",
    "service=konsultation&from=0001-01-01&to=2027-03-21",
])
def test_availability_far_outside_the_calendar_is_400(api, query: str) -> None:
    response = get(api, "/availability?" + query)
    assert response.status_code == 400, response.body
    assert set(error_of(response)["fields"]) & {"from", "to"}


# --- a payment hold lapses at exactly hold_minutes ---------------------------------------------------------------


def test_a_hold_lapses_at_exactly_fifteen_minutes_for_availability_and_booking_alike(
        api, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 12:15:00 the 12:00 hold has lapsed: the slot is shown free, so taking it must succeed, not 409."""
    start = at("2027-03-30", "10:00")
    held = post(api, "/bookings", body(service="kemisk-peeling", staff="sara"))
    assert held.status_code == 201, held.body
    assert answer(held)["booking"]["hold_until"] == "2027-03-20T12:15:00+01:00"

    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:14:59+01:00")
    shown = answer(get(api, "/availability?service=kemisk-peeling&from=2027-03-30&to=2027-03-30&staff=sara"))
    assert start not in {s["start"] for s in shown["slots"]}
    assert post(api, "/bookings", body(service="kemisk-peeling", staff="sara", email="bo@example.se")).status_code == 409

    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-20T12:15:00+01:00")
    shown = answer(get(api, "/availability?service=kemisk-peeling&from=2027-03-30&to=2027-03-30&staff=sara"))
    assert start in {s["start"] for s in shown["slots"]}
    taken = post(api, "/bookings", body(service="kemisk-peeling", staff="sara", email="bo@example.se"))
    assert taken.status_code == 201, taken.body


# --- a bounded fuzz: bad bodies on every route are 4xx and change nothing --------------------------------------------


BAD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1.5, 10**30, "", " ", "yes", "true", "null", "1", "\x00", "a\x00b", "x" * 5000,
    "\ud800", "Ω" * 300, "<script>alert(1)</script>", "a\r\nBcc: evil@example.com", "\u202e", "../../etc/passwd",
    "2027-02-30", "2027-03-30T10:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31", [], [1, "a"], {}, {"$ne": 1},
    {"email": "yes"}, [{"a": [{"b": {}}]}],
]


def _bodies(rng: random.Random, base: dict[str, Any], count: int) -> list[str]:
    """Mutations of a valid body: one field bad, a field dropped, an unknown field, or not an object at all."""
    out: list[str] = []
    for _ in range(count):
        data = json.loads(json.dumps(base))
        roll = rng.random()
        if roll < 0.6 and data:
            data[rng.choice(sorted(data))] = rng.choice(BAD_VALUES)
        elif roll < 0.7 and data:
            data.pop(rng.choice(sorted(data)))
        elif roll < 0.8:
            data[rng.choice(["admin", "id", "status", "customer_id", "paid_sek", "__proto__"])] = rng.choice(BAD_VALUES)
        elif roll < 0.9:
            data = rng.choice(BAD_VALUES)
        else:
            raw = json.dumps(data)
            cut = rng.randrange(len(raw) + 1)
            out.append(raw[:cut] + rng.choice(["", "}", "\x00", "\\", '"', "]", "\udcff"]))
            continue
        out.append(json.dumps(data))
    return out


def _token(api, outbox) -> tuple[str, str]:
    made = post(api, "/bookings", body(start=at("2027-04-06", "10:00")))
    assert made.status_code == 201, made.body
    booking_id = answer(made)["booking"]["id"]
    link = next(link for link in outbox.links(outbox.emails()[-1]) if "/hantera/" in link)
    return link.split("#t=", 1)[1].split("&", 1)[0], booking_id


def test_fuzz_bad_bodies_on_every_route_are_4xx_and_change_nothing(api, outbox) -> None:
    rng = random.Random(20270330)
    token, booking_id = _token(api, outbox)
    routes: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", "/bookings", body(start=at("2027-03-31", "10:00"), email="fuzz@example.se",
                                   note="hej", language="sv", age_confirmed=False), 140),
        ("POST", f"/bookings/{booking_id}/reschedule", {"start": at("2027-04-07", "10:00"), "staff": "sara"}, 40),
        ("POST", f"/bookings/{booking_id}/cancel", {"x": 1}, 20),
        ("PATCH", "/me", {"name": "Astrid Lind", "phone": "070-123 45 67"}, 40),
        ("PUT", "/me/marketing", {"email": False, "sms": False}, 40),
        ("POST", "/consent", {"id": "6f1c1b9e-2f53-4c2b-9d9e-0d5b0f2f3c11",
                              "choices": {"necessary": True, "analytics": False}, "policy_version": "2026-01"}, 40),
        ("POST", "/analytics/pageview", {"path": "/"}, 20),
        ("POST", "/payments/status", {"client_secret": "pi_x_secret_y"}, 20),
        ("POST", "/webhooks/stripe", {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}}, 20),
    ]
    settle()  # messages leave through the stream: let them go before the snapshot
    before = stored()
    seen = 0
    for method, path, base, count in routes:
        for raw in _bodies(rng, base, count):
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                       "Accept-Language": rng.choice(["sv", "en"])}
            response = api.http.request(method, path, headers=headers, body=raw.encode("utf-8", "surrogatepass"))
            seen += 1
            assert response.status_code < 500, (method, path, raw[:200], response.body[:300])
            if response.status_code >= 400:
                error_of(response)
                after = stored()
                assert after == before, (method, path, raw[:200], response.status_code)
            else:
                settle()  # a mutation that happened to be valid (e.g. an ignored, empty change), and its messages
                before = stored()
    # GET /availability with bad query strings
    for _ in range(60):
        params = {"service": "konsultation", "from": "2027-03-30", "to": "2027-03-31", "staff": "sara"}
        params[rng.choice(sorted(params))] = rng.choice(
            ["", "x", "2027-13-01", "2027-03-29", "9999-12-31", "0001-01-01", "any", "bob", "anna", "%00", "<b>"])
        query = "&".join(f"{k}={v}" for k, v in params.items())
        response = get(api, "/availability?" + query)
        seen += 1
        assert response.status_code < 500, (query, response.body[:300])
        if response.status_code >= 400:
            error_of(response)
    assert seen >= 400


# --- 401 before anything else for a bad link ------------------------------------------------------------------------


def test_a_bad_token_is_401_whatever_the_booking_id_or_body(api, outbox) -> None:
    """docs/api.md: an altered token is 401. Neither a malformed id (404) nor a bad body (400) may answer first."""
    token, booking_id = _token(api, outbox)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    before = stored()
    for path in ("/bookings/not-an-id", f"/bookings/{booking_id}"):
        assert get(api, path, token=altered).status_code == 401
    for path, raw in ((f"/bookings/{booking_id}/reschedule", "{broken"),
                      (f"/bookings/{booking_id}/reschedule", json.dumps({"start": 5})),
                      (f"/bookings/{booking_id}/cancel", json.dumps({"admin": True})),
                      ("/bookings/not-an-id/cancel", "")):
        response = post(api, path, raw, token=altered)
        assert response.status_code == 401, (path, raw, response.body)
        assert error_of(response)["code"] == "unauthorized"
    # With the valid token: the malformed id is somebody else's (404), the bad body is 400.
    assert get(api, "/bookings/not-an-id", token=token).status_code == 404
    assert post(api, f"/bookings/{booking_id}/reschedule", "{broken", token=token).status_code == 400
    assert post(api, f"/bookings/{booking_id}/cancel", json.dumps({"admin": True}), token=token).status_code == 400
    assert stored() == before


def test_a_wrong_content_type_or_method_answers_in_the_api_error_shape(api) -> None:
    """Chalice answers these itself ({"Code", "Message"}, English); docs/api.md promises one error shape, in sv/en."""
    response = api.http.post("/bookings", headers={"Content-Type": "text/plain", "Accept-Language": "en"},
                             body=json.dumps(body()))
    assert response.status_code == 415
    error = error_of(response)
    assert error["code"] == "unsupported_media_type" and error["message"] == "Send JSON." and "content-type" in error["fields"]
    response = api.http.request("DELETE", "/bookings", headers={}, body=b"")
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"
    assert response.headers.get("Allow") == "POST"
    assert stored() == []


# --- a booking form is no way to change somebody's stored details ------------------------------------------------


def test_booking_with_somebody_elses_address_does_not_rewrite_their_name_or_phone(api, outbox,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Anybody can type any address into the form. Before, a second booking overwrote the stored name and
    phone, so a stranger could redirect the customer's SMS reminders (treatment and time) to their own number.
    Corrections go through the customer's own link (PATCH /me)."""
    from chalicelib.store.models import Customer

    mine = post(api, "/bookings", body(reminder="sms", start=at("2027-03-30", "10:00")))
    assert mine.status_code == 201, mine.body
    stranger = post(api, "/bookings", body(name="Mallory", phone="+46 70 765 43 21", reminder="sms",
                                          start=at("2027-04-06", "10:00"), staff="anna"))
    assert stranger.status_code == 201, stranger.body  # the booking itself stands; the owner is told by e-mail
    [customer] = [i for i in Item.scan() if isinstance(i, Customer)]
    assert (customer.name, customer.phone) == ("Astrid Lind", "+46701234567")

    monkeypatch.setenv("ALLAVIE_NOW", "2027-03-29T10:30:00+02:00")  # the reminder of the first booking is due
    from chalicelib.booking import reminders
    from chalicelib.core import clock
    assert reminders.send_due(clock.now()) == 1
    assert all("+46707654321" not in sms for sms in outbox.sms())


# --- Stripe unreachable when a prepaid booking is made ------------------------------------------------------------


def test_when_stripe_cannot_be_reached_the_hold_is_given_back(api, monkeypatch: pytest.MonkeyPatch) -> None:
    """The booking's transaction commits before the PaymentIntent is asked for. When Stripe does not
    answer, nobody can pay that hold, so it must not keep the time for 15 minutes: a retry gets it."""
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")  # the discard port: nothing listens
    failed = post(api, "/bookings", body(service="kemisk-peeling", staff="sara"))
    assert failed.status_code >= 500
    monkeypatch.undo()
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    shown = answer(get(api, "/availability?service=kemisk-peeling&from=2027-03-30&to=2027-03-30&staff=sara"))
    assert at("2027-03-30", "10:00") in {s["start"] for s in shown["slots"]}
    again = post(api, "/bookings", body(service="kemisk-peeling", staff="sara"))
    assert again.status_code == 201, again.body
    assert answer(again)["payment"]["client_secret"]
