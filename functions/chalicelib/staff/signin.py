"""Signing in without a password: a link e-mailed to the staff address, then a TOTP code.

- ``request_link``: the same answer for every address; a staff address (within 5 links an hour)
  gets a link valid 15 minutes for one session. Only the link's digest is stored.
- ``open_session``: the link alone enrols a staff member who has no authenticator yet (the secret
  and its QR code are shown; the link stays good); with a right code, one transaction uses the
  link, records the code's time step (a code never works twice) and writes the session.
- Wrong codes are counted per staff member (never per caller): five within 15 minutes lock the
  sign-in for 15 minutes; the sixth attempt then is 429. A wrong code leaves the link usable.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from .. import messages
from ..core import clinic as clinic_module
from ..core import fields
from ..core.clinic import Staff
from ..core.errors import Invalid, TooMany, Unauthorized
from ..store import ratelimit, staff_repo, tx
from ..store.errors import ConditionFailed
from ..store.models import SignInFailure, SignInLink, StaffAccount, StaffSession
from ..store.table import Action
from ..store.tx import Tx
from . import notify, sessions, totp

log = logging.getLogger(__name__)

LINK_MINUTES = notify.SIGNIN_MINUTES
LINKS_PER_HOUR = 5
MAX_WRONG = 5
LOCK = dt.timedelta(minutes=15)
FAILURE_KEPT = dt.timedelta(minutes=30)
PENDING = dt.timedelta(minutes=15)  # an enrolment's secret shown but not yet confirmed by a code


def request_link(raw_email: Any, now: dt.datetime) -> str:
    """Send a sign-in link to a staff address; the outcome is for the log and tests, never the answer."""
    try:
        address = fields.email(raw_email)
    except fields.FieldError as error:
        raise Invalid(fields={"email": error.key}) from None
    allowed = ratelimit.hit("staff-signin", address, now, limit=LINKS_PER_HOUR, window=dt.timedelta(hours=1))
    member = clinic_module.current().staff_by_email(address)
    if member is None:
        return "no_match"
    if not allowed:
        return "rate_limited"
    token = secrets.token_urlsafe(32)
    link = Tx()  # the link and its e-mail, both or neither (the outbox sends it)
    link.put("link", SignInLink(*SignInLink.key(token), staff_id=member.id, email=address, created_at=now,
                                expires_at=now + dt.timedelta(minutes=LINK_MINUTES)))
    try:
        messages.add(link, notify.signin_mail(member, token, now))
        link.commit()
    except Exception:  # noqa: BLE001 - the answer must not differ for a staff address
        log.exception("queueing a sign-in link failed")
        return "failed"
    return "sent"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr: list[str]

    def public(self) -> dict[str, Any]:
        return {"enrol": {"secret": self.secret, "otpauth_uri": self.otpauth_uri, "qr": self.qr}}


@dataclass(frozen=True)
class Opened:
    session_id: str
    expires_at: dt.datetime
    user: sessions.StaffUser


def _link(token: Any, now: dt.datetime) -> tuple[SignInLink, Staff]:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Unauthorized("signin_invalid")
    link = tx.get(SignInLink, SignInLink.key(token))
    if link is None or not link.is_live(now) or link.used_at is not None:
        raise Unauthorized("signin_invalid")
    member = clinic_module.current().staff_member(link.staff_id)
    if member is None or member.email != link.email:
        raise Unauthorized("signin_invalid")  # removed from the clinic file, or another address now
    return link, member


def locked(failures: list[dt.datetime], now: dt.datetime) -> bool:
    """Five wrong codes within 15 minutes lock the sign-in for 15 minutes from the fifth. Pure."""
    times = sorted(failures)
    for i in range(len(times) - MAX_WRONG + 1):
        fifth = times[i + MAX_WRONG - 1]
        if fifth - times[i] <= LOCK and now < fifth + LOCK:
            return True
    return False


def _failures(staff_id: str, now: dt.datetime) -> list[dt.datetime]:
    return staff_repo.failures_since(staff_id, now - FAILURE_KEPT, now)


def _fail(staff_id: str, now: dt.datetime) -> None:
    """Count a wrong code; 429 when it makes (or finds) the sign-in locked, else 401."""
    tx.put(SignInFailure(*staff_repo.failure_key(staff_id, now, secrets.token_hex(4)), at=now,
                         expires_at=now + FAILURE_KEPT))
    if len(_failures(staff_id, now)) > MAX_WRONG:
        raise TooMany("signin_locked")
    raise Unauthorized("code_wrong")


def _enrol(member: Staff, account: StaffAccount | None, now: dt.datetime) -> Enrolment:
    """Show the secret to enrol (the same one while it is pending), without signing in."""
    assert member.email is not None
    if account is not None and account.pending_nonce and account.pending_at and now - account.pending_at < PENDING:
        nonce = account.pending_nonce
    else:
        nonce = totp.new_nonce()
        item = account or StaffAccount(*StaffAccount.key(member.id), staff_id=member.id)
        try:
            tx.update(item, [StaffAccount.staff_id.set(member.id), StaffAccount.kind.set(StaffAccount),
                             StaffAccount.pending_nonce.set(nonce), StaffAccount.pending_at.set(now)],
                      StaffAccount.nonce.does_not_exist())
        except ConditionFailed:
            raise Unauthorized("code_required") from None  # enrolled meanwhile (another tab): a code is needed
    secret = totp.secret_for(member.id, nonce)
    uri = totp.otpauth_uri(secret, member.email)
    return Enrolment(secret, uri, totp.qr_rows(uri))


def open_session(token: Any, code: Any, now: dt.datetime) -> Enrolment | Opened:
    """``POST /staff/session``: enrol (no code yet), or sign in with a right code."""
    link, member = _link(token, now)
    account = tx.get(StaffAccount, StaffAccount.key(member.id))
    enrolled = account is not None and account.nonce is not None
    if code is None or code == "":
        if enrolled:
            raise Unauthorized("code_required")
        return _enrol(member, account, now)
    if not isinstance(code, str) or len(code) > 12:
        raise Invalid(fields={"code": "type"})
    if locked(_failures(member.id, now), now):
        raise TooMany("signin_locked")
    nonce = account.nonce if account is not None and enrolled else account.pending_nonce if account else None
    if account is None or nonce is None:
        raise Unauthorized("code_required")  # no enrolment shown yet: ask without a code first
    step = totp.matching_step(totp.secret_for(member.id, nonce), code.strip().replace(" ", ""), now)
    if step is None or step <= int(account.last_step or 0):
        _fail(member.id, now)  # raises
    assert step is not None
    session_id, session = sessions.new_session(member, now)
    sign_in = Tx()
    sign_in.update("link", link, [SignInLink.used_at.set(now)],
                   SignInLink.used_at.does_not_exist() & (SignInLink.expires_at > now))
    actions: list[Action] = [StaffAccount.last_step.set(step)]
    condition = StaffAccount.last_step.does_not_exist() | (StaffAccount.last_step < step)
    if not enrolled:
        actions += [StaffAccount.nonce.set(nonce), StaffAccount.enrolled_at.set(now),
                    StaffAccount.pending_nonce.remove(), StaffAccount.pending_at.remove()]
        condition &= StaffAccount.nonce.does_not_exist() & (StaffAccount.pending_nonce == nonce)
    sign_in.update("account", account, actions, condition)
    sign_in.put("session", session, StaffSession.pk.does_not_exist())
    try:
        sign_in.commit()
    except ConditionFailed as failed:
        if failed.failed("account"):
            _fail(member.id, now)  # the same code used at the same moment elsewhere: a replay
        raise Unauthorized("signin_invalid") from None
    assert member.email is not None
    return Opened(session_id, session.expires_at, sessions.StaffUser(member.id, member.name, member.role, member.email))


def reset(staff_id: str) -> bool:
    """A member who lost their authenticator: their enrolment goes, the next sign-in link enrols again
    (the operator's ``allavie staff reset-code``). False when they had none."""
    account = tx.get(StaffAccount, StaffAccount.key(staff_id))
    if account is None or (account.nonce is None and account.pending_nonce is None):
        return False
    tx.update(account, [StaffAccount.nonce.remove(), StaffAccount.enrolled_at.remove(),
                        StaffAccount.pending_nonce.remove(), StaffAccount.pending_at.remove()])
    return True
