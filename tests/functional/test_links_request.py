"""POST /links: a fresh link for a known address, the same answer for any other,
in about the same time; limited per address."""

from __future__ import annotations

import json
import time

import pytest
from chalicelib.routes.rights import LINKS_MIN_SECONDS
from chalicelib.store.models import Item, RateLimit, RightsRequest
from support.booking_data import answer, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"


@pytest.fixture()
def booked(client, monkeypatch) -> dict:
    """A customer made the real way: POST /bookings."""
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    made = post(client, "/bookings", body(email="Astrid.Lind@Example.se", marketing={"email": True, "sms": True}))
    assert made.status_code == 201, made.body
    return answer(made)


def ask(client, email: str):
    started = time.monotonic()
    response = post(client, "/links", {"email": email})
    return response, time.monotonic() - started


def test_a_known_address_gets_a_data_link_that_opens_me(client, booked, outbox) -> None:
    before = len(outbox.emails())
    response, took = ask(client, "  ASTRID.lind@example.se ")
    assert response.status_code == 202 and took >= LINKS_MIN_SECONDS
    mails = outbox.emails()[before:]
    assert len(mails) == 1 and mails[0]["To"].addresses[0].addr_spec == "astrid.lind@example.se"
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = next(link for link in outbox.links(mails[0]) if "/mina-uppgifter/#t=" in link)
    me = get(client, "/me", token=fragment(url)["t"])
    assert me.status_code == 200 and answer(me)["customer"]["name"] == "Astrid Lind"
    prefs = next(link for link in outbox.links(mails[0]) if "/utskick/#t=" in link)
    assert get(client, "/me", token=fragment(prefs)["t"]).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, booked, outbox) -> None:
    known, known_took = ask(client, "astrid.lind@example.se")
    before = len(outbox.emails())
    unknown, unknown_took = ask(client, "nobody@example.se")
    assert unknown.status_code == known.status_code == 202
    assert unknown.body == known.body
    assert {k.lower(): v for k, v in unknown.headers.items()} == {k.lower(): v for k, v in known.headers.items()}
    assert unknown_took >= LINKS_MIN_SECONDS and known_took >= LINKS_MIN_SECONDS
    assert abs(unknown_took - known_took) < 0.25
    assert len(outbox.emails()) == before
    assert outbox.emails_to("nobody@example.se") == []
    outcomes = sorted(r.outcome for r in RightsRequest.scan() if r.request_type == "link")
    assert outcomes == ["no_match", "sent"]


def test_links_are_rate_limited_per_address_without_storing_it(client, booked, outbox) -> None:
    before = len(outbox.emails_to("astrid.lind@example.se"))
    answers = [ask(client, "astrid.lind@example.se")[0] for _ in range(4)]
    assert [a.status_code for a in answers] == [202] * 4
    assert len({a.body for a in answers}) == 1
    assert len(outbox.emails_to("astrid.lind@example.se")) == before + 3  # the fourth sends nothing
    counters = list(RateLimit.scan())
    assert len(counters) == 1 and counters[0].attempts == 4 and counters[0].expires_at is not None
    assert "astrid" not in json.dumps(counters[0].to_simple_dict(), default=str).lower()
    # another address has its own budget
    assert ask(client, "other@example.se")[0].status_code == 202
    assert len(list(RateLimit.scan())) == 2


def test_a_malformed_address_is_400_naming_the_field(client, booked) -> None:
    for bad in ({"email": "not an address"}, {"email": 7}, {}, {"email": "a@b.se", "extra": 1}):
        response = post(client, "/links", bad, language="en")
        assert response.status_code == 400
        assert set(answer(response)["error"]["fields"]) & {"email", "extra"}
    assert not [i for i in Item.scan() if isinstance(i, RateLimit)]


def test_the_link_e_mail_also_brings_the_manage_link_of_each_booking_ahead(client, booked, outbox) -> None:
    later = post(client, "/bookings", body(email="astrid.lind@example.se", start="2027-04-06T14:00:00+02:00"))
    assert later.status_code == 201, later.body
    gone = post(client, "/bookings", body(email="astrid.lind@example.se", start="2027-04-07T09:00:00+02:00"))
    first_id, later_id, gone_id = booked["booking"]["id"], answer(later)["booking"]["id"], answer(gone)["booking"]["id"]
    confirmation = next(m for m in outbox.emails_to("astrid.lind@example.se") if gone_id in " ".join(outbox.links(m)))
    cancel_token = fragment(next(link for link in outbox.links(confirmation) if "/hantera/" in link))["t"]
    assert post(client, f"/bookings/{gone_id}/cancel", None, token=cancel_token).status_code == 200

    before = len(outbox.emails())
    assert ask(client, "astrid.lind@example.se")[0].status_code == 202
    [mail] = outbox.emails()[before:]
    manage = [fragment(link) for link in outbox.links(mail) if "/hantera/#" in link]
    assert [m["b"] for m in manage] == [first_id, later_id]  # soonest first; the cancelled one is not there
    text = outbox.text(mail)
    assert "Dina kommande bokningar" in text and "Hudkonsultation, tisdag 30 mars 2027 kl. 10:00: " in text
    for link in manage:  # each opens its own booking, and only that one
        assert get(client, f"/bookings/{link['b']}", token=link["t"]).status_code == 200
    assert get(client, f"/bookings/{later_id}", token=manage[0]["t"]).status_code == 404
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert html.count('href="http') >= 5 and "Hudkonsultation, tisdag 6 april 2027 kl. 14:00" in html
