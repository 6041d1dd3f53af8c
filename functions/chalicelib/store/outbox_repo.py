"""The outbox (pattern 21 of docs/architecture.md): messages not yet sent are in gsi1, ``OUTBOX#due`` by their
next attempt while queued and ``OUTBOX#failed`` by when they failed; a sent one leaves the index."""

from __future__ import annotations

import datetime as dt

from .engine import Query, Range, engine
from .models import Message, customer_pk, staff_pk

DUE, DEAD = "OUTBOX#due", "OUTBOX#failed"  # gsi1 partitions (sparse: only messages not yet sent)


def stamp(moment: dt.datetime) -> str:
    """A moment in a message's keys (UTC, microseconds): they sort by time."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def customer_owner(customer_id: str) -> str:
    """The partition of a message about a customer (also the clinic's e-mail about their booking)."""
    return customer_pk(customer_id)


def staff_owner(staff_id: str) -> str:
    """The partition of a message to a staff member (a sign-in link)."""
    return staff_pk(staff_id)


def due_index(attempt_at: dt.datetime, message_id: str) -> tuple[str, str]:
    return DUE, f"{stamp(attempt_at)}#{message_id}"


def failed_index(failed_at: dt.datetime, message_id: str) -> tuple[str, str]:
    return DEAD, f"{stamp(failed_at)}#{message_id}"


def due(now: dt.datetime, limit: int) -> list[tuple[str, str]]:
    """The keys of up to ``limit`` queued messages whose next attempt has come, soonest first (one Query)."""
    found = engine().query(Query(DUE, Range("<=", f"{stamp(now)}#~"), "gsi1", limit=limit))
    return [(item.pk, item.sk) for item in found]


def failed(limit: int) -> list[Message]:
    """The messages that failed every attempt, oldest first (one Query of gsi1)."""
    return [item for item in engine().query(Query(DEAD, index="gsi1", limit=limit)) if isinstance(item, Message)]


def failed_one(message_id: str) -> Message | None:
    """The failed message of that id, or None."""
    found = engine().query(Query(DEAD, index="gsi1", model=Message, where=("message_id", message_id)))
    return next((m for m in found if isinstance(m, Message)), None)
