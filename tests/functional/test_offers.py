"""Offers from the back office (Chalice in-process and chalice local, DynamoDB Local, the outbox): the
recipients are exactly those whose confirmed consent is on for the channel and whose data is live, checked
when the offer goes out; a send reaches everybody once however often or concurrently it is asked; the
one-click unsubscribe of an offer e-mail stops e-mail offers and leaves SMS offers as they were."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import pytest
from chalicelib.core import clinic as clinic_module
from chalicelib.marketing import optin
from chalicelib.store.models import Customer, Item, OfferDelivery, OptIn
from support import clock as run_clock
from support import rights_customers
from support.booking_data import at, body, post
from support.offers import finish
from support.outbox import Outbox, settle
from support.rights_customers import make_customer
from support.staff import ANNA, SARA, call, sign_in

NOW = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.timezone.utc)
OFFER = {"subject": "Vårens erbjudande", "text": "20 % på ansiktsbehandlingar i april.\n\nVälkommen!",
         "channels": ["email", "sms"]}


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    return client


@pytest.fixture()
def anna(api, outbox) -> str:
    return sign_in(api, outbox, ANNA, NOW).session


def person(i: int, marketing: tuple[bool, bool], name: str) -> rights_customers.TestCustomer:
    """A customer written through the models (as before the lists existed), then given their markers by the
    operator's backfill (``allavie staff reindex``), the path of every customer from before the offers."""
    made = make_customer(NOW, name=name, email=f"{name.split()[0].lower()}@example.se", phone=f"+4670111{i:04d}",
                         marketing=marketing)
    optin.reconcile(made.id, NOW)
    return made




def offer_mails(outbox: Outbox, subject: str = OFFER["subject"]) -> list[EmailMessage]:
    return [m for m in outbox.emails() if str(m["Subject"]) == subject]


def offer_sms(outbox: Outbox) -> list[str]:
    return [s for s in outbox.sms() if "20 % på ansiktsbehandlingar" in s]


def to_of(sms: str) -> str:
    return sms.splitlines()[0].removeprefix("To: ").strip()


def test_exactly_the_customers_who_agreed_by_each_channel_get_it_checked_when_it_goes_out(api, anna, outbox) -> None:
    both = person(1, (True, True), "Alva Båda")
    mail_only = person(2, (True, False), "Bo Epost")
    sms_only = person(3, (False, True), "Cilla Sms")
    person(4, (False, False), "Dag Ingen")
    withdrawn = person(5, (True, True), "Eva Ångrar")
    expired = person(6, (True, True), "Fred Utgången")
    later_out = person(7, (True, True), "Gun Sedan")
    later_in = person(8, (False, False), "Hugo Nyss")
    # a booking form's ticks that nobody confirmed: a request, not a consent
    made = post(api, "/bookings", body(name="Ines Obekräftad", email="ines@example.se", phone="070-111 99 99",
                                         start=at("2027-03-30", "10:00"), marketing={"email": True, "sms": True}))
    assert made.status_code == 201, made.body
    # e-mail withdrawn on the Utskick page (the real route: its markers go in the same transaction)
    assert call(api, "PUT", "/me/marketing", {"email": False}, session=withdrawn.token(now=NOW))[0] == 200
    # data whose retention has passed, not yet removed by TTL or the sweeper: never a recipient
    # (before the real clock too: the stream pump beside chalice local, when running, reads it unpinned)
    past = min(NOW, run_clock.now()) - dt.timedelta(days=1)
    for item in Item.query(f"CUST#{expired.id}"):
        if isinstance(item, (Customer, OptIn)):
            item.update(actions=[Item.expires_at.set(past)])

    status, made_offer = call(api, "POST", "/staff/offers", {**OFFER, "service": "kemisk-peeling"}, session=anna)
    assert status == 201, made_offer
    offer = made_offer["offer"]
    assert offer["status"] == "draft"
    assert offer["recipients"] == {"email": 3, "sms": 4}  # both, mail_only, later_out (+ sms: sms_only, withdrawn)
    assert offer_mails(outbox) == [] and offer_sms(outbox) == []  # a draft sends nothing

    # between drafting and sending: one withdraws both channels, one opts in (the send checks then)
    assert call(api, "PUT", "/me/marketing", {"email": False, "sms": False}, session=later_out.token(now=NOW))[0] == 200
    assert call(api, "PUT", "/me/marketing", {"email": True, "sms": True}, session=later_in.token(now=NOW))[0] == 200

    status, sending = call(api, "POST", f"/staff/offers/{offer['id']}/send", session=anna)
    assert status == 202 and sending["offer"]["status"] in ("sending", "sent")
    done = finish(api, anna, offer["id"])
    mails = offer_mails(outbox)
    want_mail = [both, mail_only, later_in]
    want_sms = [both, sms_only, withdrawn, later_in]
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in mails) == sorted(p.customer.email for p in want_mail)
    assert sorted(to_of(s) for s in offer_sms(outbox)) == sorted(p.customer.phone for p in want_sms)
    assert done["sent"] == {"email": 3, "sms": 4}
    assert done["recipients"] == {"email": 3, "sms": 4}  # the lists when sending was asked

    mail = next(m for m in mails if both.customer.email in str(m["To"]))
    text = outbox.text(mail)
    assert text.startswith("Hej Alva!") and "20 % på ansiktsbehandlingar i april." in text
    assert "/boka/?behandling=kemisk-peeling" in text and "/utskick/#t=" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe?token=" in str(mail["List-Unsubscribe"])
    [sms] = [s for s in offer_sms(outbox) if to_of(s) == both.customer.phone]
    assert sms.rstrip().splitlines()[-1].startswith("Sluta få sms-erbjudanden: http")
    # each message is recorded in the customer's partition with their expiry (it goes with their data)
    deliveries = [i for i in Item.query(f"CUST#{both.id}") if isinstance(i, OfferDelivery)]
    assert sorted(d.channel for d in deliveries) == ["email", "sms"]
    assert all(d.expires_at == both.customer.expires_at and d.offer_id == offer["id"] for d in deliveries)


def test_only_an_admin_writes_and_sends_and_bad_input_is_named(api, anna, outbox) -> None:
    sara = sign_in(api, outbox, SARA, NOW).session
    assert call(api, "POST", "/staff/offers", OFFER, session=sara)[0] == 403
    assert call(api, "POST", "/staff/offers", OFFER)[0] == 401
    status, bad = call(api, "POST", "/staff/offers", {"subject": "Rad ett\nBcc: x@example.se", "text": "",
                                                      "channels": ["fax"], "service": "nej", "extra": 1}, session=anna)
    assert status == 400
    assert bad["error"]["fields"] == {"subject": "Ogiltigt värde.", "text": "Obligatoriskt fält.",
                                      "channels": "Välj e-post, sms eller båda.", "service": "Okänd behandling.",
                                      "extra": "Okänt fält."}
    long_sms = call(api, "POST", "/staff/offers", {**OFFER, "text": "x" * 481}, session=anna, language="en")
    assert long_sms[0] == 400
    assert long_sms[1]["error"]["fields"] == {"text": "Too long for an SMS (480 characters at most)."}
    status, made = call(api, "POST", "/staff/offers", OFFER, session=anna)
    assert status == 201
    offer_id = made["offer"]["id"]
    assert call(api, "POST", f"/staff/offers/{offer_id}/send", session=sara)[0] == 403
    assert call(api, "GET", "/staff/offers/nosuchoffer", session=anna)[0] == 404
    status, listed = call(api, "GET", "/staff/offers", session=sara)  # every staff member may look
    assert status == 200 and [o["id"] for o in listed["offers"]] == [offer_id]
    status, preview = call(api, "GET", f"/staff/offers/{offer_id}/preview?lang=sv", session=anna)
    assert status == 200
    shown = preview["preview"]
    assert shown["email"]["subject"] == OFFER["subject"]
    assert shown["email"]["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    assert "Hej Anna!" in shown["email"]["text"] and "Sluta få sms-erbjudanden" in shown["sms"]["text"]
    assert shown["sms"]["parts"] >= 1
    assert call(api, "GET", f"/staff/offers/{offer_id}/preview?lang=de", session=anna)[0] == 400


def test_a_draft_is_changed_or_removed_until_it_is_sent_and_never_after(api, anna, outbox) -> None:
    sara = sign_in(api, outbox, SARA, NOW).session
    status, made = call(api, "POST", "/staff/offers", OFFER, session=anna)
    assert status == 201
    offer_id = made["offer"]["id"]
    changed = {**OFFER, "subject": "Vårens erbjudande, rättat", "channels": ["email"], "service": "microneedling"}
    assert call(api, "PUT", f"/staff/offers/{offer_id}", changed, session=sara)[0] == 403
    status, edited = call(api, "PUT", f"/staff/offers/{offer_id}", changed, session=anna)
    assert status == 200
    assert (edited["offer"]["subject"], edited["offer"]["channels"], edited["offer"]["service"]) == (
        "Vårens erbjudande, rättat", ["email"], "microneedling")
    assert call(api, "PUT", f"/staff/offers/{offer_id}", {**changed, "channels": []}, session=anna)[0] == 400
    status, other = call(api, "POST", "/staff/offers", OFFER, session=anna)
    assert call(api, "DELETE", f"/staff/offers/{other['offer']['id']}", session=anna)[0] == 204
    assert call(api, "GET", f"/staff/offers/{other['offer']['id']}", session=anna)[0] == 404
    assert call(api, "POST", f"/staff/offers/{offer_id}/send", session=anna)[0] == 202
    finish(api, anna, offer_id)
    status, refused = call(api, "PUT", f"/staff/offers/{offer_id}", OFFER, session=anna)
    assert status == 409 and refused["error"]["code"] == "offer_not_draft"
    assert call(api, "DELETE", f"/staff/offers/{offer_id}", session=anna)[0] == 409
    assert call(api, "GET", f"/staff/offers/{offer_id}", session=anna)[1]["offer"]["subject"] == changed["subject"]


def test_a_list_longer_than_a_page_goes_in_pages_and_a_repeated_send_reaches_nobody_twice(
        api, anna, outbox, monkeypatch) -> None:
    rules = dataclasses.replace(clinic_module.current().offers, page_size=3, email_per_second=1000)
    current = clinic_module.current()
    object.__setattr__(current, "offers", rules)  # a small page, so seven customers take three pages
    try:
        people = [person(10 + i, (True, False), f"Kund{chr(65 + i)} Sida") for i in range(7)]
        status, made = call(api, "POST", "/staff/offers", {**OFFER, "channels": ["email"]}, session=anna)
        assert status == 201 and made["offer"]["recipients"] == {"email": 7, "sms": 0}
        offer_id = made["offer"]["id"]
        for _ in range(3):
            assert call(api, "POST", f"/staff/offers/{offer_id}/send", session=anna)[0] == 202
        done = finish(api, anna, offer_id)
        assert call(api, "POST", f"/staff/offers/{offer_id}/send", session=anna)[0] == 202  # after: nothing more
        settle()
        assert done["sent"] == {"email": 7, "sms": 0}
        assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in offer_mails(outbox)) == sorted(
            p.customer.email for p in people)
        assert offer_sms(outbox) == []
    finally:
        object.__setattr__(current, "offers", dataclasses.replace(rules, page_size=25, email_per_second=10))


def test_a_one_click_unsubscribe_from_an_offer_email_stops_the_next_by_email_but_not_by_sms(
        api, anna, outbox) -> None:
    both = person(1, (True, True), "Alva Båda")
    status, first = call(api, "POST", "/staff/offers", OFFER, session=anna)
    assert status == 201
    assert call(api, "POST", f"/staff/offers/{first['offer']['id']}/send", session=anna)[0] == 202
    finish(api, anna, first["offer"]["id"])
    [mail] = offer_mails(outbox)
    url = next(p.strip(" <>") for p in str(mail["List-Unsubscribe"]).split(",") if "/unsubscribe?token=" in p)
    # what a mail client does (RFC 8058): POST to the header's URL, form-encoded, no cookie, no session
    answer = api.http.post(url[url.index("/unsubscribe"):], body="List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200
    profile = Customer.get(*Customer.key(both.id))
    assert (profile.marketing_email, profile.marketing_sms) == (False, True)
    assert sorted(i.channel for i in Item.query(f"CUST#{both.id}") if isinstance(i, OptIn)) == ["sms"]

    second = {**OFFER, "subject": "Sommarens erbjudande", "text": "20 % på ansiktsbehandlingar i juni."}
    status, made = call(api, "POST", "/staff/offers", second, session=anna)
    assert status == 201 and made["offer"]["recipients"] == {"email": 0, "sms": 1}
    assert call(api, "POST", f"/staff/offers/{made['offer']['id']}/send", session=anna)[0] == 202
    done = finish(api, anna, made["offer"]["id"])
    assert done["sent"] == {"email": 0, "sms": 1}
    assert offer_mails(outbox, "Sommarens erbjudande") == []
    assert [to_of(s) for s in offer_sms(outbox) if "juni" in s] == [both.customer.phone]
    # and the SMS's own link stops SMS offers only (e-mail is already off: both are off now)
    sms_link = [s for s in offer_sms(outbox) if "juni" in s][0].rstrip().rsplit(" ", 1)[-1]
    page = api.http.get(sms_link[sms_link.index("/unsubscribe"):])  # opened from the phone: it asks first
    assert page.status_code == 200 and "Ja, avsluta erbjudanden via sms" in page.body.decode("utf-8")
    assert api.http.post(sms_link[sms_link.index("/unsubscribe"):], body="List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 200
    profile = Customer.get(*Customer.key(both.id))
    assert (profile.marketing_email, profile.marketing_sms) == (False, False)


# --- over HTTP, concurrently -------------------------------------------------------------------------

WORKERS = 8
TIMEOUT = 30


def http(method: str, url: str, data: Any = None, session: str | None = None) -> tuple[int, Any]:
    import json
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json"}
    if session:
        headers["Authorization"] = f"Bearer {session}"
    request = urllib.request.Request(url, data=None if data is None else json.dumps(data).encode(), method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_concurrent_sends_over_http_reach_each_customer_once(api_url: str, table: None, outbox: Outbox) -> None:
    import pyotp
    from support.staff import link_token

    assert http("POST", f"{api_url}/staff/signin", {"email": ANNA})[0] == 202
    token = link_token(outbox, ANNA)
    status, enrol = http("POST", f"{api_url}/staff/session", {"token": token})
    assert status == 200, enrol
    status, opened = http("POST", f"{api_url}/staff/session",
                          {"token": token, "code": pyotp.TOTP(enrol["enrol"]["secret"]).at(run_clock.now())})
    assert status == 200, opened
    session = opened["session"]
    now = run_clock.now()
    people = []
    for i, marketing in enumerate(((True, True), (True, False), (False, True), (True, True), (False, False))):
        made = make_customer(now, name=f"Kund{chr(65 + i)} Samtidig", email=f"samtidig{i}@example.se",
                             phone=f"+4670222{i:04d}", marketing=marketing)
        optin.reconcile(made.id, now)
        people.append(made)
    status, made_offer = http("POST", f"{api_url}/staff/offers", OFFER, session)
    assert status == 201 and made_offer["offer"]["recipients"] == {"email": 3, "sms": 3}
    offer_id = made_offer["offer"]["id"]
    barrier = threading.Barrier(WORKERS, timeout=TIMEOUT)

    def send(_: int) -> int:
        barrier.wait()
        return http("POST", f"{api_url}/staff/offers/{offer_id}/send", None, session)[0]

    with ThreadPoolExecutor(WORKERS) as pool:
        assert list(pool.map(send, range(WORKERS), timeout=TIMEOUT)) == [202] * WORKERS
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        settle()
        status, got = http("GET", f"{api_url}/staff/offers/{offer_id}", None, session)
        if got["offer"]["status"] == "sent":
            break
        time.sleep(0.2)
    assert got["offer"]["status"] == "sent" and got["offer"]["sent"] == {"email": 3, "sms": 3}
    settle()
    mails = sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in offer_mails(outbox))
    assert mails == sorted(p.customer.email for p in people if p.customer.marketing_email)
    assert sorted(to_of(s) for s in offer_sms(outbox)) == sorted(p.customer.phone for p in people
                                                                   if p.customer.marketing_sms)
