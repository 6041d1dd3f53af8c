"""Header injection in every field that reaches a message (issue 28, finding 6: an RFC 2047 encoded word in an
offer's subject made the preview 500 for every staff member and left the offer stuck in ``sending``).

The walk: every string field of every request body in the OpenAPI document is classified below, so a new field
fails here until somebody decides what it is. A one-line field that reaches a message (a header, a greeting, a
calendar's line) refuses header-shaped text when typed (400 naming it); a text of several lines may hold line
breaks and encoded words, and every message made from it still has only our headers and its one recipient."""

from __future__ import annotations

import email.policy
from email import message_from_bytes
from typing import Any

import pytest
from chalicelib.routes import api_doc
from chalicelib.store.models import Offer
from support import staff_world
from support.booking_data import answer, at, body, post
from support.staff import call
from support.staff_world import AHEAD_DAY, World

EVIL = "evil@example.com"
HEADER_SHAPED = [
    f"=?utf-8?q?Hej=0D=0ABcc:_{EVIL}?=",          # the attacker's: an encoded word hiding CR LF and a header
    f"=?UTF-8?B?SGVqDQpCY2M6IGV2aWxAZXhhbXBsZS5jb20=?= {EVIL}",
    f"Hej\r\nBcc: {EVIL}",
    f"Hej\nBcc: {EVIL}",
    f"Hej\u2028Bcc: {EVIL}",
    f"Hej\x85Bcc: {EVIL}",
]

# One line, and it reaches a message: a header (To, Subject), a greeting, an SMS's recipient, a calendar's line.
ONE_LINE = {
    ("POST /bookings", "name"), ("POST /bookings", "email"), ("POST /bookings", "phone"),
    ("POST /staff/bookings", "name"), ("POST /staff/bookings", "email"), ("POST /staff/bookings", "phone"),
    ("PATCH /me", "name"), ("PATCH /me", "email"), ("PATCH /me", "phone"),
    ("POST /staff/offers", "subject"), ("PUT /staff/offers/{offer_id}", "subject"),
    ("POST /staff/blocks", "reason"), ("POST /links", "email"),
}
# Several lines, in a message's body only (escaped in HTML, never a header).
MULTI_LINE = {
    ("POST /bookings", "note"), ("POST /staff/bookings", "note"),
    ("POST /bookings/{booking_id}/complaints", "text"),
    ("POST /bookings/{booking_id}/complaints/{complaint_id}/messages", "text"),
    ("POST /staff/bookings/{booking_id}/cancel", "message"),
    ("POST /staff/complaints/{complaint_id}/reply", "text"), ("POST /staff/complaints/{complaint_id}/reply", "close.reason"),
    ("POST /staff/offers", "text"), ("PUT /staff/offers/{offer_id}", "text"),
}
# Choices, ids, times, tokens and codes (checked against a list or a pattern), or text that reaches no message
# (``/staff/signin``: only a staff address from the clinic file is ever written to).
NOT_IN_MESSAGES = {
    ("POST /analytics/pageview", "path"), ("POST /bookings", "language"), ("POST /bookings", "reminder"),
    ("POST /bookings", "service"), ("POST /bookings", "staff"), ("POST /bookings", "start"),
    ("POST /bookings/{booking_id}/photos", "content_type"), ("POST /bookings/{booking_id}/photos", "name"),
    ("POST /bookings/{booking_id}/reschedule", "staff"), ("POST /bookings/{booking_id}/reschedule", "start"),
    ("POST /consent", "id"), ("POST /consent", "policy_version"), ("POST /payments/status", "client_secret"),
    ("POST /staff/blocks", "end"), ("POST /staff/blocks", "staff"), ("POST /staff/blocks", "start"),
    ("POST /staff/bookings", "language"), ("POST /staff/bookings", "payment"), ("POST /staff/bookings", "reminder"),
    ("POST /staff/bookings", "service"), ("POST /staff/bookings", "staff"), ("POST /staff/bookings", "start"),
    ("POST /staff/bookings/{booking_id}/outcome", "outcome"), ("POST /staff/bookings/{booking_id}/reschedule", "staff"),
    ("POST /staff/bookings/{booking_id}/reschedule", "start"), ("POST /staff/complaints/{complaint_id}/reply", "close.outcome"),
    ("POST /staff/offers", "channels[]"), ("POST /staff/offers", "service"), ("PUT /staff/offers/{offer_id}", "channels[]"),
    ("PUT /staff/offers/{offer_id}", "service"), ("POST /staff/session", "code"), ("POST /staff/session", "token"),
    ("POST /staff/signin", "email"),
}


def string_fields() -> set[tuple[str, str]]:
    """Every string field of every request body in the OpenAPI document, as (operation, dotted name)."""
    document = api_doc.document()
    found: set[tuple[str, str]] = set()

    def resolve(schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def walk(schema: Any, name: str, operation: str) -> None:
        schema = resolve(schema)
        if not isinstance(schema, dict):
            return
        for part in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
            walk(part, name, operation)
        kinds = schema.get("type")
        if kinds == "string" or (isinstance(kinds, list) and "string" in kinds):
            found.add((operation, name))
        for key, value in (schema.get("properties") or {}).items():
            walk(value, f"{name}.{key}" if name else key, operation)
        if "items" in schema:
            walk(schema["items"], f"{name}[]", operation)

    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                for content in operation["requestBody"]["content"].values():
                    walk(content.get("schema", {}), "", f"{method.upper()} {path}")
    return found


def test_every_typed_field_is_classified() -> None:
    classes = [ONE_LINE, MULTI_LINE, NOT_IN_MESSAGES]
    assert not (ONE_LINE & MULTI_LINE or ONE_LINE & NOT_IN_MESSAGES or MULTI_LINE & NOT_IN_MESSAGES)
    assert string_fields() - set().union(*classes) == set(), "classify the new fields above"
    assert set().union(*classes) - string_fields() == set(), "fields the document no longer has"


@pytest.fixture()
def world(client, outbox, monkeypatch) -> World:
    return staff_world.build(client, outbox, monkeypatch)


def one_line_calls(world: World, data_token: str, offer_id: str) -> dict[tuple[str, str], Any]:
    """A valid request per one-line field's operation: (method, path, body, how to call)."""
    booking = body(start=at(AHEAD_DAY, "14:00"), email="ny@example.se", phone="070-999 88 77")
    by_staff = {"service": "konsultation", "start": at(AHEAD_DAY, "15:00"), "staff": "sara", "name": "Dag Ny",
                "email": "dag@example.se", "phone": "0709998870"}
    offer = {"subject": "Vårens erbjudande", "text": "Välkommen.", "channels": ["email"]}
    block = {"staff": "sara", "start": at(AHEAD_DAY, "16:00"), "end": at(AHEAD_DAY, "17:00"), "reason": "Kurs"}
    return {
        "POST /bookings": ("POST", "/bookings", booking, None),
        "POST /staff/bookings": ("POST", "/staff/bookings", by_staff, "sara"),
        "PATCH /me": ("PATCH", "/me", {"name": "Astrid Lind", "email": "astrid@example.se", "phone": "0701234567"},
                      data_token),
        "POST /staff/offers": ("POST", "/staff/offers", offer, "anna"),
        "PUT /staff/offers/{offer_id}": ("PUT", f"/staff/offers/{offer_id}", offer, "anna"),
        "POST /staff/blocks": ("POST", "/staff/blocks", block, "sara"),
        "POST /links": ("POST", "/links", {"email": "astrid@example.se"}, None),
    }


def send(world: World, method: str, path: str, data: dict[str, Any], who: str | None) -> tuple[int, Any]:
    """As staff (``sara``, ``anna``), with a customer's link token, or as anybody (None)."""
    if who in ("sara", "anna"):
        return world.call(method, path, data, who=who)
    return call(world.client, method, path, data, session=who)


def headers_of(outbox: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each e-mail's raw headers as a mail client parses them back (after the stream sent what was queued)."""
    outbox.every_email()
    found = []
    for file in sorted(outbox.directory.glob("*.eml")):
        parsed = message_from_bytes(file.read_bytes(), policy=email.policy.default)
        found.append((file.name, [(k.lower(), str(v)) for k, v in parsed.items()]))
    return found


def test_every_one_line_field_refuses_header_shaped_text_and_nothing_is_sent(world: World, outbox) -> None:
    from support.staff_world import _data_link

    data_token = _data_link(world.client, outbox, "astrid@example.se")
    status, made = world.call("POST", "/staff/offers", {"subject": "Utkast", "text": "Text.", "channels": ["email"]},
                              who="anna")
    assert status == 201, made
    calls = one_line_calls(world, data_token, made["offer"]["id"])
    before = len(headers_of(outbox))
    refused = []
    for operation, field in sorted(ONE_LINE):
        method, path, good, who = calls[operation]
        for payload in HEADER_SHAPED:
            status, got = send(world, method, path, {**good, field: payload}, who)
            if status != 400 or field not in (got or {}).get("error", {}).get("fields", {}):
                refused.append((operation, field, payload, status))
    assert refused == [], "header-shaped text accepted"
    assert len(headers_of(outbox)) == before  # not one message went out
    assert not any(EVIL in value for _, headers in headers_of(outbox) for _, value in headers)


def test_several_lines_never_add_a_header_or_a_recipient(world: World, outbox) -> None:
    nasty = "\n".join(p for p in HEADER_SHAPED if "\x85" not in p)  # a C1 control is refused in any text
    status, made = world.call("POST", "/staff/bookings", {
        "service": "konsultation", "start": at(AHEAD_DAY, "15:00"), "staff": "sara", "name": "Dag Ny",
        "email": "dag@example.se", "phone": "0709998870", "note": nasty}, who="sara")
    assert status == 201, made
    status, done = world.call("POST", f"/staff/bookings/{made['booking']['id']}/cancel",
                              {"refund": False, "message": nasty}, who="sara")
    assert status == 200, done
    status, replied = world.call("POST", f"/staff/complaints/{world.complaint}/reply", {
        "text": nasty, "close": {"outcome": "rejected", "reason": nasty}}, who="anna")
    assert status == 200, replied
    visitor = post(world.client, "/bookings", body(start=at(AHEAD_DAY, "16:00"), email="eva@example.se", note=nasty))
    assert visitor.status_code == 201, answer(visitor)
    sent = headers_of(outbox)
    assert len(sent) >= 6
    allowed = {"from", "to", "subject", "date", "message-id", "content-language", "list-unsubscribe",
               "list-unsubscribe-post", "content-type", "content-transfer-encoding", "mime-version", "auto-submitted"}
    for name, headers in sent:
        names = [k for k, _ in headers]
        assert set(names) <= allowed and len(names) == len(set(names)), (name, names)
        assert not any(EVIL in value for _, value in headers), (name, headers)
        [to] = [v for k, v in headers if k == "to"]
        assert to.count("@") == 1, (name, to)


def test_an_offer_that_cannot_be_composed_fails_visibly_and_is_edited_or_removed(world: World, outbox) -> None:
    """An offer stored before the subject was refused (or written by any other path): the preview is a 409 naming
    why, sending fails the offer (status failed, a reason) instead of leaving it in sending, and staff edit it back
    to a draft or remove it."""
    status, made = world.call("POST", "/staff/offers", {"subject": "Utkast", "text": "Text.", "channels": ["email"]},
                              who="anna")
    assert status == 201, made
    offer_id = made["offer"]["id"]
    stored = Offer.get(*Offer.key(offer_id))
    stored.update(actions=[Offer.subject.set(HEADER_SHAPED[0])])
    for who in ("sara", "anna"):
        status, preview = world.call("GET", f"/staff/offers/{offer_id}/preview", who=who)
        assert (status, preview["error"]["code"]) == (409, "offer_uncomposable"), preview
    status, sent = world.call("POST", f"/staff/offers/{offer_id}/send", who="anna")
    assert (status, sent["error"]["code"]) == (409, "offer_uncomposable"), sent
    status, shown = world.call("GET", f"/staff/offers/{offer_id}", who="sara")
    assert shown["offer"]["status"] == "failed" and shown["offer"]["failure"] == "uncomposable"
    assert offer_id in [o["id"] for o in world.call("GET", "/staff/offers")[1]["offers"]]
    status, edited = world.call("PUT", f"/staff/offers/{offer_id}", {
        "subject": "Vårens erbjudande", "text": "Text.", "channels": ["email"]}, who="anna")
    assert status == 200 and edited["offer"]["status"] == "draft" and edited["offer"]["failure"] is None, edited
    assert world.call("GET", f"/staff/offers/{offer_id}/preview")[0] == 200
    stored = Offer.get(*Offer.key(offer_id))
    stored.update(actions=[Offer.subject.set(HEADER_SHAPED[0])])
    assert world.call("POST", f"/staff/offers/{offer_id}/send", who="anna")[0] == 409
    assert world.call("DELETE", f"/staff/offers/{offer_id}", who="anna")[0] == 204


def test_an_offer_already_sending_that_cannot_be_composed_fails_instead_of_sticking(world: World) -> None:
    """What the attacker left behind: an offer in ``sending`` whose subject no e-mail can carry. Its next step
    (the stream's, or the five-minute resume) fails it, and staff see why."""
    import datetime as dt

    from chalicelib.marketing import sender

    status, made = world.call("POST", "/staff/offers", {"subject": "Utkast", "text": "Text.", "channels": ["email"]},
                              who="anna")
    offer_id = made["offer"]["id"]
    stored = Offer.get(*Offer.key(offer_id))
    stored.update(actions=[Offer.subject.set(HEADER_SHAPED[0]), Offer.status.set("sending"), Offer.step.set(1),
                           Offer.gsi1pk.set("OFFERS#sending")])
    assert sender.step(offer_id, 1, dt.datetime.fromisoformat(staff_world.AFTER_VISIT)) == "failed"
    status, shown = world.call("GET", f"/staff/offers/{offer_id}", who="sara")
    assert (shown["offer"]["status"], shown["offer"]["failure"]) == ("failed", "uncomposable")
    assert world.call("DELETE", f"/staff/offers/{offer_id}", who="anna")[0] == 204
