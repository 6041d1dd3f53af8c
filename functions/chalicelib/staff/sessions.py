"""Who is signed in: staff sessions (8 hours, or until signed out) and the role check.

A session id is 256 random bits handed to the page once; the table keeps only its SHA-256
(``StaffSession``), read consistently on every call so that a sign-out counts at once. A session
also ends when its staff member is removed from the clinic file or their address changes there:
each call checks the member against the file in force. ``require`` is what every back-office
route calls (and what offers, complaints and photos will call): the staff member, or 401 / 403.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from ..core import clinic as clinic_module
from ..core.clinic import Staff
from ..core.errors import Forbidden, Unauthorized
from ..store import sessions as staff_sessions
from ..store import tx
from ..store.models import StaffSession
from . import looks

SESSION_HOURS = 8
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class StaffUser:
    """A signed-in staff member, as the clinic file has them now."""

    id: str
    name: str
    role: str
    email: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "role": self.role}


def new_session(member: Staff, now: dt.datetime) -> tuple[str, StaffSession]:
    """A fresh session id and the item that keeps its digest (written by the sign-in's transaction)."""
    assert member.email is not None
    session_id = secrets.token_urlsafe(32)
    item = StaffSession(*StaffSession.key(session_id), staff_id=member.id, email=member.email, created_at=now,
                        expires_at=now + dt.timedelta(hours=SESSION_HOURS),
                        # by member, so that removing them from the settings ends every session at once
                        gsi1pk=staff_sessions.index_key(member.id), gsi1sk=now.isoformat())
    return session_id, item


def _user(member: Staff) -> StaffUser:
    assert member.email is not None
    return StaffUser(member.id, member.name, member.role, member.email)


def authenticate(session_id: str, now: dt.datetime) -> StaffUser:
    """The staff member of a live session, or 401 (altered, expired, signed out, removed from the file)."""
    if len(session_id) != TOKEN_LENGTH:
        raise Unauthorized("staff_unauthorized")
    found = tx.get(StaffSession, StaffSession.key(session_id))
    if found is None or not found.is_live(now):
        raise Unauthorized("staff_unauthorized")
    member = clinic_module.current().staff_member(found.staff_id)
    if member is None or member.email is None or member.email != found.email:
        raise Unauthorized("staff_unauthorized")
    return _user(member)


def require(session_id: str, now: dt.datetime, *, role: str | None = None) -> StaffUser:
    """The signed-in staff member; 403 when ``role`` is ``admin`` and they are not."""
    user = authenticate(session_id, now)
    if role == "admin" and not user.is_admin:
        raise Forbidden()
    looks.signed_in(user)  # whoever this answer shows a customer to is logged as the viewer
    return user


REFUND_AFTER_VISIT_ROLE = "admin"


def check_refund(user: StaffUser, visit_start: dt.datetime | None, now: dt.datetime) -> None:
    """The one rule for money back once a visit has taken place (a cancel after its start, a complaint's
    partial refund: ``visit_start`` None, always about a visit): an admin's decision; 403 for others."""
    if (visit_start is None or now >= visit_start) and user.role != REFUND_AFTER_VISIT_ROLE:
        raise Forbidden()


def end(session_id: str, now: dt.datetime) -> None:
    """Sign out: the session is deleted (a second sign-out, or a dead session, is 401)."""
    authenticate(session_id, now)
    tx.delete(StaffSession(*StaffSession.key(session_id)))
