"""Staff sessions by member: the sessions of one staff member (gsi1 ``SESSIONS#<staff>``), to end them all
when the member is removed from the settings. A session before this index has none; its member's check
against the clinic in force (``staff.sessions.authenticate``) ends it within the settings' minute."""

from __future__ import annotations

from . import tx
from .engine import Query, engine
from .models import StaffSession


def index_key(staff_id: str) -> str:
    return f"SESSIONS#{staff_id}"


def end_all(staff_id: str) -> int:
    """Delete every session of ``staff_id``; how many ended."""
    ended = 0
    for found in list(engine().query(Query(index_key(staff_id), index="gsi1"))):
        if isinstance(found, StaffSession):
            tx.delete(StaffSession(found.pk, found.sk))
            ended += 1
    return ended
