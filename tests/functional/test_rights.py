"""Rights from e-mailed links, against DynamoDB Local through the Chalice client:
who may read what (401 / 404), access, correction, channels, unsubscribe."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from chalicelib.core.clock import iso_local, local
from chalicelib.core.clock import now as clock_now
from chalicelib.core.errors import NotFound
from chalicelib.links import access
from chalicelib.links import tokens as links
from chalicelib.rights import log as rights_log
from chalicelib.store.models import Customer, Item, MarketingConsent, RightsRequest
from support.rights_customers import make_customer


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def body(answer) -> dict:
    return json.loads(answer.body)


@pytest.fixture()
def now() -> dt.datetime:
    return clock_now()


@pytest.fixture()
def greta(client, now):
    return make_customer(now)


# --- tokens ---------------------------------------------------------------------------------------


def test_a_data_link_opens_me(client, greta, now) -> None:
    answer = client.http.get("/me", headers=auth(greta.token(now=now)))
    assert answer.status_code == 200
    me = body(answer)
    assert me["customer"] == {"name": "Greta Testsson", "email": greta.customer.email, "phone": "+46701234567",
                              "phone_display": "070-123 45 67"}  # stored E.164, shown as people write it
    assert me["marketing"] == {"email": True, "sms": True}
    assert [b["id"] for b in me["bookings"]] == [greta.bookings[1].booking_id, greta.bookings[0].booking_id]
    assert me["bookings"][0]["start"].endswith("+01:00") or me["bookings"][0]["start"].endswith("+02:00")


def test_no_token_is_401(client, greta) -> None:
    assert client.http.get("/me").status_code == 401
    assert client.http.get("/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_an_altered_token_is_401(client, greta, now) -> None:
    token = greta.token(now=now)
    payload, _, signature = token.rpartition(".")
    # The first character: the last one's low bits are base64 padding, so changing it could leave the bytes as they were.
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    answer = client.http.get("/me", headers=auth(f"{payload}.{flipped}"))
    assert answer.status_code == 401
    assert body(answer)["error"]["code"] == "unauthorized"
    # a token for another customer made by editing the payload fails on the signature
    other = links.issue("someone-else", "data", 1, now + dt.timedelta(days=1))
    assert client.http.get("/me", headers=auth(other.rpartition(".")[0] + "." + signature)).status_code == 401


def test_an_expired_token_is_401(client, greta, now) -> None:
    token = links.issue(greta.id, "data", 1, now - dt.timedelta(seconds=1))
    assert client.http.get("/me", headers=auth(token)).status_code == 401


def test_a_token_of_another_purpose_is_401(client, greta, now) -> None:
    booking_link = greta.token("booking", now=now, booking_id=greta.bookings[1].booking_id)
    unsubscribe_link = greta.token("unsubscribe", now=now)
    for token in (booking_link, unsubscribe_link):
        assert client.http.get("/me", headers=auth(token)).status_code == 401
        assert client.http.get("/me/export", headers=auth(token)).status_code == 401
        assert client.http.post("/me/erase", headers=auth(token)).status_code == 401
    # and a data link does not unsubscribe in one click
    answer = client.http.post(f"/unsubscribe?token={greta.token(now=now)}", body="List-Unsubscribe=One-Click",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 401


def test_a_revoked_token_is_401(client, greta, now) -> None:
    token = greta.token(now=now)
    assert client.http.get("/me", headers=auth(token)).status_code == 200
    greta.customer.update(actions=[Customer.link_generation.add(1)])  # what an address change does
    assert client.http.get("/me", headers=auth(token)).status_code == 401
    assert client.http.get("/me", headers=auth(greta.token(now=now, generation=2))).status_code == 200


def test_a_token_of_a_customer_past_retention_is_401(client, greta, now) -> None:
    greta.customer.update(actions=[Customer.expires_at.set(now - dt.timedelta(minutes=1))])
    assert client.http.get("/me", headers=auth(greta.token(now=now))).status_code == 401


def test_a_valid_token_on_another_customers_booking_is_404(client, greta, now) -> None:
    other = make_customer(now, name="Olle Annan")
    mine = access.authenticate(greta.token(now=now), ("data",), now)
    assert access.own_booking(mine, greta.bookings[0].booking_id, now).customer_id == greta.id
    with pytest.raises(NotFound):
        access.own_booking(mine, other.bookings[0].booking_id, now)
    booking_link = greta.token("booking", now=now, booking_id=greta.bookings[1].booking_id)
    holder = access.authenticate(booking_link, ("booking",), now)
    with pytest.raises(NotFound):  # a booking link opens its own booking only
        access.own_booking(holder, greta.bookings[0].booking_id, now)
    # and through the booking capability's route: a valid link, somebody else's booking
    token = greta.token(now=now)
    assert client.http.get(f"/bookings/{greta.bookings[1].booking_id}", headers=auth(token)).status_code == 200
    answer = client.http.get(f"/bookings/{other.bookings[1].booking_id}", headers=auth(token))
    assert answer.status_code == 404 and body(answer)["error"]["code"] == "not_found"
    assert client.http.get(f"/bookings/{other.bookings[1].booking_id}",
                           headers=auth(greta.token("booking", now=now, booking_id=greta.bookings[1].booking_id))
                           ).status_code == 404


# --- access and correction ------------------------------------------------------------------


def test_export_contains_every_fact_that_was_stored(client, greta, now) -> None:
    answer = client.http.get("/me/export", headers=auth(greta.token(now=now)))
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="registerutdrag-')
    document = body(answer)
    text = json.dumps(document, ensure_ascii=False)
    # every attribute value of every item in the customer's partition is in the export
    stored = list(Item.query(f"CUST#{greta.id}"))
    assert len(stored) == 1 + 2 + 2 + 2
    for item in stored:
        for name, value in item.attribute_values.items():
            if name in ("pk", "sk", "kind", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"):
                continue
            if isinstance(value, dt.datetime):
                value = iso_local(value)
            if isinstance(value, bool):
                continue  # checked by name below
            assert json.dumps(value, ensure_ascii=False).strip('"') in text, (type(item).__name__, name, value)
    assert document["customer"]["name"] == "Greta Testsson"
    assert document["customer"]["marketing_sms"] is True
    assert len(document["bookings"]) == 2 and document["bookings"][0]["note"] == "Känslig hud <b>inte</b> retinol"
    assert {(c["channel"], c["granted"], c["source"]) for c in document["marketing_consents"]} == {
        ("email", True, "booking_form"), ("sms", True, "booking_form")}
    assert all("at" in c and "kept_until" in c for c in document["marketing_consents"])
    assert {m["purpose"] for m in document["messages"]} == {"confirmation", "reminder"}
    assert all(m["sent_at"] for m in document["messages"])
    assert document["email_address"]["email"] == greta.customer.email
    assert document["controller"]["phone"] == "063-512545"
    # the request was recorded, without personal data
    requests = [r for r in RightsRequest.scan() if r.request_type == "access"]
    assert len(requests) == 1 and requests[0].outcome == "exported" and requests[0].channel == "web"


def test_correcting_name_and_phone(client, greta, now) -> None:
    token = greta.token(now=now)
    answer = client.http.patch("/me", headers={**auth(token), "Content-Type": "application/json"},
                               body=json.dumps({"name": "  Greta   Rättad ", "phone": "070-765 43 21"}))
    assert answer.status_code == 200, answer.body
    assert body(answer)["customer"] == {"name": "Greta Rättad", "email": greta.customer.email, "phone": "+46707654321",
                                       "phone_display": "070-765 43 21"}
    assert body(client.http.get("/me", headers=auth(token)))["customer"]["name"] == "Greta Rättad"


@pytest.mark.parametrize("change, field", [
    ({"phone": "123"}, "phone"), ({"name": ""}, "name"), ({"email": "not-an-address"}, "email"),
    ({"name": "x" * 101}, "name"), ({"name": 5}, "name"), ({"address": "Storgatan 1"}, "address"),
])
def test_bad_corrections_are_400_naming_the_field_and_change_nothing(client, greta, now, change, field) -> None:
    answer = client.http.patch("/me", headers={**auth(greta.token(now=now)), "Content-Type": "application/json",
                                               "Accept-Language": "en"},
                               body=json.dumps({"name": "Should Not Stick", **change}))
    assert answer.status_code == 400
    assert field in body(answer)["error"]["fields"]
    assert Customer.get(*Customer.key(greta.id)).name == "Greta Testsson"


def test_every_bad_correction_is_named_at_once(client, greta, now) -> None:
    # The page showed only the first bad field; each fix then revealed the next.
    answer = client.http.patch("/me", headers={**auth(greta.token(now=now)), "Content-Type": "application/json"},
                               body=json.dumps({"name": "", "email": "not-an-address", "phone": "123", "address": "x"}))
    assert answer.status_code == 400
    assert body(answer)["error"]["fields"] == {"name": "Obligatoriskt fält.", "email": "Ogiltig e-postadress.",
                                               "phone": "Ogiltigt telefonnummer.", "address": "Okänt fält."}
    assert Customer.get(*Customer.key(greta.id)).name == "Greta Testsson"


def test_marketing_per_channel_is_recorded_with_its_source(client, greta, now) -> None:
    token = greta.token(now=now)
    answer = client.http.put("/me/marketing", headers={**auth(token), "Content-Type": "application/json"},
                             body=json.dumps({"sms": False}))
    assert answer.status_code == 200
    assert body(answer) == {"marketing": {"email": True, "sms": False}}
    changes = [c for c in MarketingConsent.query(f"CUST#{greta.id}") if c.source == "preferences_page"]
    assert [(c.channel, c.granted) for c in changes] == [("sms", False)]
    assert changes[0].expires_at == greta.customer.expires_at
    assert client.http.put("/me/marketing", headers={**auth(token), "Content-Type": "application/json"},
                           body=json.dumps({"sms": "no"})).status_code == 400


def test_unsubscribe_one_click(client, greta, now) -> None:
    token = greta.token("unsubscribe", now=now, days=730)
    answer = client.http.post(f"/unsubscribe?token={token}", body="List-Unsubscribe=One-Click",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200
    customer = Customer.get(*Customer.key(greta.id))
    assert (customer.marketing_email, customer.marketing_sms) == (False, False)
    recorded = sorted((c.channel, c.granted) for c in MarketingConsent.query(f"CUST#{greta.id}")
                      if c.source == "unsubscribe_link")
    assert recorded == [("email", False), ("sms", False)]
    # again: still 200, nothing more recorded
    again = client.http.post(f"/unsubscribe?token={token}", body="List-Unsubscribe=One-Click",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert again.status_code == 200
    assert len([c for c in MarketingConsent.query(f"CUST#{greta.id}") if c.source == "unsubscribe_link"]) == 2
    assert [r.outcome for r in RightsRequest.scan() if r.request_type == "marketing"].count("updated") == 1


def test_opening_the_unsubscribe_link_asks_first(client, greta, now) -> None:
    token = greta.token("unsubscribe", now=now, days=730)
    page = client.http.get(f"/unsubscribe?token={token}")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b'name="List-Unsubscribe" value="One-Click"' in page.body
    assert Customer.get(*Customer.key(greta.id)).marketing_email is True  # a GET changes nothing
    broken = client.http.get("/unsubscribe?token=broken")
    assert broken.status_code == 401 and b"ogiltig" in broken.body and b"One-Click" not in broken.body


def test_rights_records_hold_no_personal_data(client, greta, now) -> None:
    token = greta.token(now=now)
    client.http.get("/me/export", headers=auth(token))
    client.http.put("/me/marketing", headers={**auth(token), "Content-Type": "application/json"},
                    body=json.dumps({"email": False}))
    records = list(RightsRequest.scan())
    assert len(records) == 2
    text = json.dumps([r.to_simple_dict() for r in records], default=str)
    for secret in (greta.id, greta.customer.email, greta.customer.name, greta.customer.phone):
        assert secret not in text
    month = rights_log.month(local(now).year, local(now).month, now)
    assert len(month) == 2 and all(line.in_time for line in month)


def test_the_unsubscribe_page_names_the_clinic_in_both_languages_under_its_own_csp(client, greta, now) -> None:
    import base64
    import hashlib
    import re

    token = greta.token("unsubscribe", now=now, days=730)
    swedish = client.http.get(f"/unsubscribe?token={token}")
    text = swedish.body.decode()
    assert '<html lang="sv"' in text and "Avsluta erbjudanden" in text and "Hudateljén" in text and "Allavie AB" in text
    # the one inline stylesheet is allowed by its hash, and nothing else is: no script, nothing fetched
    [style] = re.findall(r"<style>(.*?)</style>", text, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = swedish.headers["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp and "script" not in csp
    assert "<script" not in text and 'style="' not in text and "<link" not in text
    english = client.http.get(f"/unsubscribe?token={token}&lang=en").body.decode()
    assert '<html lang="en"' in english and "Stop offers" in english and "Yes, stop all offers" in english
    assert 'action="?token=' in english and "lang=en" in english  # the button keeps the language
    by_browser = client.http.get(f"/unsubscribe?token={token}", headers={"Accept-Language": "en"}).body.decode()
    assert '<html lang="sv"' in by_browser  # the customer chose Swedish: their language wins over the browser's
    done = client.http.post(f"/unsubscribe?token={token}&lang=en", body="List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    assert done.status_code == 200 and b"Done. You will get no more offers from us." in done.body
    hostile = client.http.get('/unsubscribe?token=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&lang=%22%3E')
    assert hostile.status_code == 401 and b"<script>" not in hostile.body and b"063-512545" in hostile.body
