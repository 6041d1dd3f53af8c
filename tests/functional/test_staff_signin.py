"""Staff sign in to the back office (Chalice in process, DynamoDB Local): an e-mailed link, a TOTP
code (enrolled at the first sign-in), sessions that die when they should, wrong codes counted per
staff member, and roles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyotp
import pytest
import yaml
from chalicelib.core import clinic
from chalicelib.store.models import Item, SignInLink, StaffAccount, StaffSession
from support.staff import ANNA, SARA, call, code_at, link_token, sign_in

NOW = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture()
def api(client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALLAVIE_NOW", NOW.isoformat())
    return client


def at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> dt.datetime:
    monkeypatch.setenv("ALLAVIE_NOW", moment.isoformat())
    return moment


def test_the_sign_in_answer_is_the_same_for_every_address_and_only_staff_get_a_link(api, outbox) -> None:
    for address in (ANNA, "nobody@example.se", "Anna@AllavieClinic.com"):
        status, body = call(api, "POST", "/staff/signin", {"email": address})
        assert (status, body) == (202, {"status": "accepted"})
    assert outbox.emails_to("nobody@example.se") == []
    mails = outbox.emails_to(ANNA)
    assert len(mails) == 2  # the address is normalised: both asks reached Anna
    assert "/personal/#t=" in outbox.text(mails[0]) and mails[0]["Subject"].startswith("Logga in")
    # Only the link's digest is stored.
    token = link_token(outbox, ANNA)
    assert all(token not in str(i.serialize()) for i in Item.scan())
    assert call(api, "POST", "/staff/signin", {"email": "not an address"})[0] == 400
    assert call(api, "POST", "/staff/signin", {"email": ANNA, "extra": 1})[0] == 400


def test_first_sign_in_enrols_then_a_code_opens_a_session(api, outbox) -> None:
    call(api, "POST", "/staff/signin", {"email": SARA})
    token = link_token(outbox, SARA)
    status, enrol = call(api, "POST", "/staff/session", {"token": token})
    assert status == 200
    secret = enrol["enrol"]["secret"]
    assert enrol["enrol"]["otpauth_uri"].startswith("otpauth://totp/") and f"secret={secret}" in enrol["enrol"]["otpauth_uri"]
    assert len(enrol["enrol"]["qr"]) >= 21 and set("".join(enrol["enrol"]["qr"])) == {"0", "1"}
    # The same link shows the same secret again (a reload), and the secret itself is not stored.
    assert call(api, "POST", "/staff/session", {"token": token})[1]["enrol"]["secret"] == secret
    assert all(secret not in str(i.serialize()) for i in Item.scan())

    status, opened = call(api, "POST", "/staff/session", {"token": token, "code": code_at(secret, NOW)})
    assert status == 200, opened
    assert opened["staff"] == {"id": "sara", "name": "Sara Berg", "role": "staff"}
    assert opened["expires_at"] == "2027-03-22T18:00:00+01:00"  # 8 hours after 10:00
    assert call(api, "GET", "/staff/me", session=opened["session"])[1]["staff"]["id"] == "sara"
    [stored] = [i for i in Item.scan() if isinstance(i, StaffSession)]
    assert opened["session"] not in stored.pk  # kept as a digest
    # The link signed in once: used.
    assert call(api, "POST", "/staff/session", {"token": token, "code": code_at(secret, NOW)})[0] == 401


def test_an_enrolled_member_needs_a_right_code_and_a_code_works_once(api, outbox, monkeypatch) -> None:
    first = sign_in(api, outbox, ANNA, NOW)
    call(api, "POST", "/staff/signin", {"email": ANNA})
    token = link_token(outbox, ANNA)
    status, body = call(api, "POST", "/staff/session", {"token": token})
    assert status == 401 and body["error"]["code"] == "code_required"
    # The code just used cannot sign in again (no replay within its window).
    status, body = call(api, "POST", "/staff/session", {"token": token, "code": code_at(first.secret, NOW)})
    assert status == 401 and body["error"]["code"] == "code_wrong"
    # A wrong code leaves the link usable: the next step's code works.
    later = at(monkeypatch, NOW + dt.timedelta(seconds=30))
    status, body = call(api, "POST", "/staff/session", {"token": token, "code": code_at(first.secret, later)})
    assert status == 200, body
    # A link lives 15 minutes.
    call(api, "POST", "/staff/signin", {"email": ANNA})
    token = link_token(outbox, ANNA)
    later = at(monkeypatch, later + dt.timedelta(minutes=16))
    assert call(api, "POST", "/staff/session", {"token": token, "code": code_at(first.secret, later)})[0] == 401


def test_the_sixth_wrong_code_within_15_minutes_is_429_counted_per_staff_member(api, outbox, monkeypatch) -> None:
    signed = sign_in(api, outbox, SARA, NOW)
    now = at(monkeypatch, NOW + dt.timedelta(minutes=1))
    tokens = []
    for _ in range(2):  # two links (as from two browsers): the count is the member's, not the link's
        call(api, "POST", "/staff/signin", {"email": SARA})
        tokens.append(link_token(outbox, SARA))
    right = code_at(signed.secret, now)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    answers = [call(api, "POST", "/staff/session", {"token": tokens[i % 2], "code": wrong})[0] for i in range(5)]
    assert answers == [401] * 5
    status, body = call(api, "POST", "/staff/session", {"token": tokens[0], "code": wrong})
    assert status == 429 and body["error"]["code"] == "signin_locked"
    assert call(api, "POST", "/staff/session", {"token": tokens[1], "code": right})[0] == 429  # locked, right or not
    # Another member is not locked.
    sign_in(api, outbox, ANNA, now)
    # 15 minutes after the fifth wrong code the lock is over (the link too: a new one).
    now = at(monkeypatch, now + dt.timedelta(minutes=15, seconds=1))
    call(api, "POST", "/staff/signin", {"email": SARA})
    status, body = call(api, "POST", "/staff/session", {"token": link_token(outbox, SARA),
                                                        "code": code_at(signed.secret, now)})
    assert status == 200, body


def test_altered_expired_and_signed_out_sessions_are_401(api, outbox, monkeypatch) -> None:
    signed = sign_in(api, outbox, SARA, NOW)
    assert call(api, "GET", "/staff/me", session=signed.session)[0] == 200
    altered = ("A" if signed.session[0] != "A" else "B") + signed.session[1:]
    assert call(api, "GET", "/staff/me", session=altered)[0] == 401
    assert call(api, "GET", "/staff/me")[0] == 401
    status, body = call(api, "GET", "/staff/calendar?from=2027-03-22&to=2027-03-22")
    assert status == 401 and body["error"]["code"] == "staff_unauthorized"
    at(monkeypatch, NOW + dt.timedelta(hours=8))
    assert call(api, "GET", "/staff/me", session=signed.session)[0] == 401  # 8 hours

    at(monkeypatch, NOW + dt.timedelta(hours=9))
    again = sign_in(api, outbox, SARA, NOW + dt.timedelta(hours=9), secret=signed.secret)
    assert call(api, "DELETE", "/staff/session", session=again.session)[0] == 204
    assert call(api, "GET", "/staff/me", session=again.session)[0] == 401
    assert call(api, "DELETE", "/staff/session", session=again.session)[0] == 401


def test_a_session_dies_when_the_member_leaves_the_clinic_file(api, outbox, monkeypatch, tmp_path: Path) -> None:
    signed = sign_in(api, outbox, SARA, NOW)
    data = yaml.safe_load(clinic.DEFAULT_PATH.read_text(encoding="utf-8"))
    for member in data["staff"]:
        if member["id"] == "sara":
            member.pop("email")
    changed = tmp_path / "clinic.yml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("CLINIC_FILE", str(changed))
    assert call(api, "GET", "/staff/me", session=signed.session)[0] == 401
    call(api, "POST", "/staff/signin", {"email": SARA})
    assert len(outbox.emails_to(SARA)) == 1  # no new link for an address no longer on the staff


def test_the_staff_role_may_not_make_admin_calls(api, outbox, monkeypatch) -> None:
    sara = sign_in(api, outbox, SARA, NOW)
    anna = sign_in(api, outbox, ANNA, NOW)
    for method, path in (("GET", "/staff/access-log?customer=0123456789abcdef0123"),
                         ("POST", "/staff/customers/0123456789abcdef0123/erase")):
        status, body = call(api, method, path, session=sara.session)
        assert status == 403 and body["error"]["code"] == "forbidden", (path, body)
        assert call(api, method, path, session=anna.session)[0] == 404  # allowed, but nobody has that id
    assert all(isinstance(i, (SignInLink, StaffAccount, StaffSession)) or i.pk.startswith(("RATE#", "STAFF#"))
               for i in Item.scan())


def test_totp_codes_follow_rfc_6238() -> None:
    from chalicelib.staff import totp

    secret = pyotp.random_base32()
    moment = dt.datetime(2027, 3, 22, 9, 0, 10, tzinfo=dt.timezone.utc)
    step = totp.step_of(moment)
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(moment), moment) == step
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(moment - dt.timedelta(seconds=30)), moment) == step - 1
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(moment - dt.timedelta(seconds=90)), moment) is None
    assert totp.matching_step(secret, "12345", moment) is None and totp.matching_step(secret, "abcdef", moment) is None
