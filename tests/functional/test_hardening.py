"""The defects an attacker found (issue #12), each shown closed through the real API: Chalice's
in-process client or ``chalice local``, against DynamoDB Local and localstripe."""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.parser import BytesHeaderParser
from typing import Any

import pytest
import stripe
from allavie.local import servers
from chalicelib.core import clock
from chalicelib.links import tokens
from chalicelib.store.models import Booking, Customer, Item, Message, SlotLock
from itsdangerous import URLSafeSerializer
from support import clock as run_clock
from support import stripe_events
from support.booking_data import answer, at, body, fragment, get, post

NOW = "2027-03-20T12:00:00+01:00"
DAY = "2027-03-30"
TOO_FAR = "Så långt fram i tiden går det inte att boka än."

# RFC 2047 encoded words and other ways to hide a header or an address in a name.
HOSTILE_NAMES = [
    "=?utf-8?b?eA0KQmNjOiBldmlsQGV4YW1wbGUuY29tDQpYLUluamVjdGVkOiB5ZXM=?=",       # x\r\nBcc: ...\r\nX-Injected: yes
    "=?utf-8?q?x=0D=0AReply-To:_attacker@example.com?=",
    "Åsa =?UTF-8?B?eA0KQmNjOiBldmlsQGV4YW1wbGUuY29t?=",
    "=?iso-8859-1?q?Eve=0ABcc=3A_evil=40example.com?=",
    "=?utf-8?b?PGI+aGk8L2I+DQpDb250ZW50LVR5cGU6IHRleHQvaHRtbA0KDQo8aDE+cHduZWQ8L2gxPg==?=",  # an HTML body
    '"Eve" <evil@example.com>, Mallory',
    "Eve\u2028Bcc: evil@example.com",
    "Eve\u0085Bcc: evil@example.com",
    "\u200b\u200b\u200b",   # only zero-width spaces
    "\u200d\ufeff\u2060",   # zero-width joiner, BOM, word joiner
]
ENCODED_ADDRESSES = ["=?utf-8?q?evil=40example.com?=@example.se", "=?utf-8?b?ZXZpbA==?=@example.se",
                     "a=?x?=b@example.se"]


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    return client


def data_token(outbox) -> str:
    link = next(link for link in outbox.links(outbox.emails()[-1]) if "/mina-uppgifter/#t=" in link)
    return fragment(link)["t"]


# --- 1. header injection through the name --------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_with_an_encoded_word_or_an_address_is_400_and_books_nothing(api, outbox, name: str) -> None:
    response = post(api, "/bookings", body(name=name))
    assert response.status_code == 400, response.body
    assert set(answer(response)["error"]["fields"]) == {"name"}
    assert not [i for i in Item.scan() if isinstance(i, Booking)] and outbox.emails() == []


def test_patch_me_refuses_the_same_names(api, outbox) -> None:
    assert post(api, "/bookings", body()).status_code == 201
    token = data_token(outbox)
    for name in HOSTILE_NAMES:
        response = api.http.patch("/me", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                  body=json.dumps({"name": name}))
        assert response.status_code == 400 and set(answer(response)["error"]["fields"]) == {"name"}, name
    [profile] = [i for i in Item.scan() if isinstance(i, Customer)]
    assert profile.name == "Astrid Lind"


@pytest.mark.parametrize("good", ["Åsa Öberg-Lind", "Zoë O'Brien", "Jean-Luc d’Arc", "Mehmet Ş. Yıldız",
                                  "李小龍", "Ngũgĩ wa Thiong'o", "Zoe\u0308 Nilsson", "مهر\u200cنوش"])
def test_real_names_of_every_script_book(api, good: str) -> None:
    response = post(api, "/bookings", body(name=good))
    assert response.status_code == 201, response.body


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_whatever_a_stored_name_holds_no_header_can_be_added(stack_env: dict[str, str], name: str) -> None:
    """Below the field check: a name that came in some other way still cannot add a header or a recipient."""
    from chalicelib import messages

    person = Customer("CUST#c1", "PROFILE", customer_id="c1", name=name, email="astrid@example.se", language="sv",
                      link_generation=1, created_at=clock.now())
    message = messages.email(person, "link", "Hej", "Text", "<p>Text</p>", now=clock.now())
    raw = message.payload.encode()
    headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
    assert {k.lower() for k in headers.keys()} <= {"from", "to", "subject", "date", "message-id", "content-language",
                                                   "list-unsubscribe", "list-unsubscribe-post", "content-type",
                                                   "mime-version", "content-transfer-encoding"}
    assert [a.addr_spec for a in headers["To"].addresses] == ["astrid@example.se"]
    head = raw.split(b"\n\n", 1)[0].lower()
    for header in (b"bcc:", b"cc:", b"reply-to:", b"x-injected:"):
        assert not any(line.startswith(header) for line in head.split(b"\n")), header


@pytest.mark.parametrize("address", ENCODED_ADDRESSES)
def test_an_address_with_an_encoded_word_is_400(api, address: str) -> None:
    response = post(api, "/bookings", body(email=address))
    assert response.status_code == 400 and set(answer(response)["error"]["fields"]) == {"email"}


# --- 2. an unconfirmed address gets no link to the customer's data -----------------------------------


def test_the_confirmation_to_a_new_address_carries_no_working_data_link(api, outbox) -> None:
    assert post(api, "/bookings", body()).status_code == 201
    token = data_token(outbox)
    changed = api.http.patch("/me", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                             body=json.dumps({"email": "typo@example.com"}))
    assert changed.status_code == 200
    [mail] = outbox.emails_to("typo@example.com")
    assert mail["List-Unsubscribe"] is None
    links = outbox.links(mail)
    assert [link for link in links if "confirm=email" in link] and all("confirm=email" in link for link in links)
    for link in links:
        found = fragment(link)["t"]
        for path in ("/me", "/me/export"):
            assert get(api, path, found).status_code == 401, path
        assert post(api, "/me/erase", None, found).status_code == 401
    assert get(api, "/me", token).status_code == 200  # the customer's own link still works


# --- 3. a booking horizon ---------------------------------------------------------------------------


def test_nothing_past_the_horizon_is_offered_booked_or_moved_to(api, outbox) -> None:
    far = at("2028-03-21", "10:00")  # 367 days after NOW (booking.horizon_days: 365)
    response = post(api, "/bookings", body(start=far))
    assert response.status_code == 400 and answer(response)["error"]["fields"] == {"start": TOO_FAR}
    assert post(api, "/bookings", body(start=at("2999-03-18", "10:00"))).status_code == 400
    beyond = get(api, "/availability?service=konsultation&from=2999-03-01&to=2999-03-31")
    assert beyond.status_code == 400 and answer(beyond)["error"]["fields"] == {"from": TOO_FAR}
    edge = answer(get(api, "/availability?service=konsultation&from=2028-03-01&to=2028-03-31"))["slots"]
    assert edge and max(s["start"] for s in edge) < "2028-03-21"

    booked = answer(post(api, "/bookings", body()))["booking"]
    link = next(link for link in outbox.links(outbox.emails()[-1]) if "/hantera/" in link)
    moved = post(api, f"/bookings/{booked['id']}/reschedule", {"start": far}, fragment(link)["t"])
    assert moved.status_code == 400 and answer(moved)["error"]["fields"] == {"start": TOO_FAR}
    [profile] = [i for i in Item.scan() if isinstance(i, Customer)]
    assert profile.expires_at < dt.datetime(2030, 4, 1, tzinfo=dt.timezone.utc)  # 36 months after 2027-03-30


# --- 5. the webhook confirms only what the booking costs ----------------------------------------------


def test_a_payment_of_another_amount_confirms_nothing_and_goes_back(api, outbox, stripe_url: str) -> None:
    made = post(api, "/bookings", body(service="kemisk-peeling", staff="any", start=at(DAY, "10:00")))
    assert made.status_code == 201, made.body
    booked = answer(made)
    intent_id = booked["payment"]["client_secret"].split("_secret_")[0]
    client = stripe.StripeClient(servers.LOCAL_STRIPE_SECRET, base_addresses={"api": stripe_url})
    client.v1.payment_intents.update(intent_id, params={"amount": 100, "payment_method": "pm_card_visa"})  # 1 SEK
    client.v1.payment_intents.confirm(intent_id)
    intent = client.v1.payment_intents.retrieve(intent_id).to_dict()
    payload, headers = stripe_events.delivery(
        stripe_events.event("payment_intent.succeeded", json.loads(json.dumps(intent, default=str))),
        servers.LOCAL_WEBHOOK_SECRET)
    delivered = api.http.post("/webhooks/stripe", body=payload, headers=headers)
    assert delivered.status_code == 200 and answer(delivered)["action"] == "amount_mismatch"
    [stored] = [i for i in Item.scan() if isinstance(i, Booking)]
    assert stored.status == "awaiting_payment" and not stored.paid_sek
    charge = client.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}).latest_charge
    assert charge.amount_refunded == 100
    assert not [m for m in outbox.emails() if "Bokningsbekräftelse" in str(m["Subject"])]


# --- 7. the smaller ones ---------------------------------------------------------------------------------


def test_a_signed_token_with_an_enormous_expiry_is_401_not_500(api) -> None:
    assert post(api, "/bookings", body()).status_code == 201
    [profile] = [i for i in Item.scan() if isinstance(i, Customer)]
    serializer = URLSafeSerializer("local-development-signing-key-not-secret", salt="allavie.link.v1",
                                   signer_kwargs={"digest_method": hashlib.sha256})
    for expiry in (10**30, 2**63, 10**12, -1, "soon", 1.5):
        forged = serializer.dumps({"c": profile.customer_id, "p": "data", "g": 1, "e": expiry})
        assert get(api, "/me", forged).status_code == 401, expiry


def test_tokens_are_hmac_sha256_and_older_sha1_ones_still_verify() -> None:
    now = clock.now()
    token = tokens.issue("c1", "data", 1, now + dt.timedelta(days=7), key="k")
    signature = token.rsplit(".", 1)[1]
    assert len(signature) == 43  # 32 bytes of HMAC-SHA256 in unpadded base64 (SHA-1 would be 27)
    sha1 = URLSafeSerializer("k", salt="allavie.link.v1").dumps({"c": "c1", "p": "data", "g": 1,
                                                                  "e": int((now + dt.timedelta(days=1)).timestamp())})
    assert tokens.verify(sha1, ("data",), now, key="k").customer_id == "c1"
    assert tokens.verify(token, ("data",), now, key="k").customer_id == "c1"


def test_an_unknown_path_is_404_in_the_error_shape(api_url: str) -> None:
    for method in ("GET", "POST"):
        request = urllib.request.Request(f"{api_url}/nothing/here", method=method, data=b"{}" if method == "POST" else None,
                                         headers={"Accept-Language": "en"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert caught.value.code == 404
        assert json.loads(caught.value.read()) == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


# --- 8. abuse by volume ---------------------------------------------------------------------------------


def hold(time: str, email: str = "offer@example.se") -> dict[str, Any]:
    return body(service="laser-pigment", staff="anna", age_confirmed=True, start=at(DAY, time), email=email)


def post_from(api, data: dict, requester: str) -> Any:
    return api.http.post("/bookings", headers={"Content-Type": "application/json", "X-Forwarded-For": requester},
                         body=json.dumps(data))


def test_one_address_books_at_most_three_times_a_day(api) -> None:
    for time in ("09:00", "10:00", "11:00"):
        assert post(api, "/bookings", body(start=at(DAY, time))).status_code == 201
    fourth = post(api, "/bookings", body(start=at(DAY, "13:00")))
    assert fourth.status_code == 409 and answer(fourth)["error"]["code"] == "too_many_bookings"
    assert post(api, "/bookings", body(start=at("2027-03-31", "13:00"))).status_code == 201  # another day
    assert post(api, "/bookings", body(start=at(DAY, "13:00"), email="annan@example.se")).status_code == 201
    assert len([i for i in Item.scan() if isinstance(i, Booking)]) == 5


def test_a_strangers_holds_with_somebodys_address_do_not_keep_that_person_out(api) -> None:
    stranger, victim = "203.0.113.66", "198.51.100.7"
    assert post_from(api, hold("09:00"), stranger).status_code == 201
    assert post_from(api, hold("10:00"), stranger).status_code == 201
    assert post_from(api, hold("11:00"), stranger).status_code == 409  # the stranger's own limit holds
    mine = post_from(api, hold("13:00"), victim)
    assert mine.status_code == 201, mine.body
    assert answer(mine)["booking"]["status"] == "awaiting_payment"


def test_one_requester_takes_at_most_ten_holds_an_hour(api) -> None:
    slots = answer(get(api, "/availability?service=laser-pigment&staff=anna&from=2027-03-22&to=2027-05-20"))["slots"]
    first_of_day: dict[str, str] = {}
    for slot in slots:
        first_of_day.setdefault(slot["start"][:10], slot["start"])
    starts = list(first_of_day.values())[:11]
    assert len(starts) == 11
    for i, start in enumerate(starts[:10]):
        response = post_from(api, {**hold("10:00", email=f"kund{i}@example.se"), "start": start}, "203.0.113.5")
        assert response.status_code == 201, response.body
    eleventh = {**hold("10:00", email="elva@example.se"), "start": starts[10]}
    refused = post_from(api, eleventh, "203.0.113.5")
    assert refused.status_code == 429 and answer(refused)["error"]["code"] == "too_many_requests"
    assert post_from(api, eleventh, "198.51.100.9").status_code == 201


# --- 4. erasure racing new bookings leaves no time locks without a booking ------------------------------


def call(url: str, method: str, path: str, data: Any = None, token: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url + path, method=method, headers=headers,
                                     data=json.dumps(data).encode() if data is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def orphan_locks() -> list[SlotLock]:
    items = list(Item.scan())
    active = {b.booking_id for b in items if isinstance(b, Booking) and b.status in ("confirmed", "awaiting_payment")}
    return [lock for lock in items if isinstance(lock, SlotLock) and lock.booking_id not in active]


def test_erasure_racing_five_bookings_leaves_no_orphan_lock(api_url: str, table: None, outbox) -> None:
    first = run_clock.open_day(3)
    status, slots = call(api_url, "GET", f"/availability?service=konsultation&staff=sara&from={first}"
                                         f"&to={first + dt.timedelta(days=7)}")
    by_day: dict[str, list[str]] = {}
    for slot in slots["slots"]:
        by_day.setdefault(slot["start"][:10], []).append(slot["start"])
    starts = next(day for day in by_day.values() if len(day) >= 18)[::3][:6]  # six that do not overlap
    address = "race@example.se"
    assert call(api_url, "POST", "/bookings", {**body(start=starts[0]), "email": address})[0] == 201
    token = data_token(outbox)
    barrier = threading.Barrier(6, timeout=30)

    def erase() -> tuple[int, Any]:
        barrier.wait()
        return call(api_url, "POST", "/me/erase", token=token)

    def book(start: str) -> tuple[int, Any]:
        barrier.wait()
        return call(api_url, "POST", "/bookings", {**body(start=start), "email": address})

    with ThreadPoolExecutor(max_workers=6) as pool:
        erased = pool.submit(erase)
        booked = [pool.submit(book, start) for start in starts[1:]]
        assert erased.result()[0] == 200
        assert all(f.result()[0] in (201, 409) for f in booked), [f.result() for f in booked]
    assert orphan_locks() == []
    customers = [i for i in Item.scan() if isinstance(i, Customer)]
    assert len(customers) <= 1  # a booking after the erasure is a new customer, with its own locks
    messages = [i for i in Item.scan() if isinstance(i, Message)]
    assert all(m.pk == customers[0].pk for m in messages) if customers else messages == []
