"""The transactional outbox: a message is an item written with the change that causes it, and is
sent from the table's stream, so that no committed change loses its message and no request waits
for SES.

    change + Message(status=queued, payload)      one TransactWriteItems (or one PutItem)
        -> stream record (INSERT, queued)         ``handle_records``: claim, send, mark sent
        -> a failed send stays queued             gsi1 ``OUTBOX#due`` / next attempt (backoff)
        -> ``send_due`` every few minutes         the scheduled retry; also catches a missed record
        -> after ``MAX_ATTEMPTS``: failed         gsi1 ``OUTBOX#failed``: ``allavie messages failed``
        -> ``resend``: queued again               the stream sends it once more

A send is claimed first (a conditional update: still queued, no other sender's lease running),
so the stream delivering a record twice, the retry and the stream at once, or several local
readers never send a message twice. The Message lives in the customer's partition with their
expiry, so it is erased and expires with them.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from ..core import clinic, clock, settings
from ..store import outbox_repo, stream, tx
from ..store.errors import ConditionFailed
from ..store.models import Customer, Message
from ..store.outbox_repo import DEAD, DUE
from ..store.tx import Tx
from .transports import AwsTransport, OutboxTransport, Transport

log = logging.getLogger(__name__)

QUEUED, SENT, FAILED = "queued", "sent", "failed"
# Waits after the 1st, 2nd ... failed attempt; after the last one the message is failed.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
           dt.timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
LEASE = dt.timedelta(seconds=60)       # longer than one send takes
SAFETY_NET = dt.timedelta(minutes=2)   # the retry sends what the stream did not by then
DUE_BATCH = 50                         # messages one retry run sends at most


def transport() -> Transport:
    """The outbox files when ``OUTBOX_DIR`` is set (locally), else SES/SNS (in AWS)."""
    current = settings.get()
    if current.outbox_dir:
        return OutboxTransport(current.outbox_dir)
    return AwsTransport(current.region)


_stamp = outbox_repo.stamp


def queued(customer: Customer, channel: str, purpose: str, recipient: str, payload: str, *, now: dt.datetime,
           subject: str | None = None, booking_id: str | None = None) -> Message:
    """A message ready to be written (with ``add`` or ``enqueue``); nothing is stored yet."""
    message_id = secrets.token_hex(8)
    first_retry = now + SAFETY_NET
    return Message(
        *Message.key(customer.customer_id, _stamp(now), message_id), message_id=message_id, channel=channel,
        purpose=purpose, recipient=recipient, subject=subject, booking_id=booking_id, status=QUEUED,
        queued_at=now, payload=payload, attempts=0, next_attempt_at=first_retry, expires_at=customer.expires_at,
        gsi1pk=DUE, gsi1sk=outbox_repo.due_index(first_retry, message_id)[1],
    )


def add(change: Tx, message: Message | None, label: str = "message") -> None:
    """Write ``message`` as part of ``change``: both are stored, or neither."""
    if message is not None:
        change.put(label, message, Message.pk.does_not_exist())


def enqueue(message: Message | None) -> Message | None:
    """Write a message that is part of no other change (one PutItem); the stream sends it."""
    if message is not None:
        tx.put(message, Message.pk.does_not_exist())
    return message


# --- sending ---------------------------------------------------------------------------------------


def _claim(pk: str, sk: str, now: dt.datetime) -> Message | None:
    """Take the message for one attempt, or None when it is sent, failed, gone or another sender has it.

    The lease runs on the wall clock, not on ``now``: two senders whose business clocks differ (an
    operator's ``--as-of``, a pinned ALLAVIE_NOW beside a real one) must still see each other's leases.
    """
    message = Message(pk, sk)
    wall = dt.datetime.now(dt.timezone.utc)
    try:
        tx.update(message, [Message.lease_until.set(wall + LEASE), Message.attempts.add(1)],
                  (Message.status == QUEUED) & (Message.lease_until.does_not_exist() | (Message.lease_until < wall)))
    except ConditionFailed:
        return None
    return message


def deliver(pk: str, sk: str, now: dt.datetime) -> str:
    """One attempt at one message: ``sent``, ``retry``, ``failed`` or ``skipped`` (not ours to send)."""
    message = _claim(pk, sk, now)
    if message is None:
        return "skipped"
    try:
        transport_id = _send(message, now)
    except Exception as error:  # noqa: BLE001 - whatever the transport raised, the message waits for a retry
        log.exception("sending message %s failed (attempt %s)", message.message_id, message.attempts)
        return _failed_attempt(message, error, now)
    try:
        tx.update(message, [
            Message.status.set(SENT), Message.sent_at.set(now), Message.transport_id.set(transport_id),
            Message.payload.remove(), Message.lease_until.remove(), Message.next_attempt_at.remove(),
            Message.gsi1pk.remove(), Message.gsi1sk.remove(), Message.last_error.remove(),
        ], Message.pk.exists())
    except ConditionFailed:
        # Erased while it was being sent: the copy just made goes too.
        transport().erase_copies(message.customer_id)
    return SENT


def _send(message: Message, now: dt.datetime) -> str:
    if message.payload is None:
        raise ValueError(f"message {message.message_id} has nothing to send")
    if message.channel == "sms":
        return transport().send_sms(message.recipient, message.payload, message.customer_id,
                                    message.queued_at or now)
    return transport().send_email(message.payload.encode("utf-8"), clinic.current().sender, message.recipient,
                                  message.customer_id)


def _failed_attempt(message: Message, error: BaseException, now: dt.datetime) -> str:
    attempts = int(message.attempts or 0)
    reason = f"{type(error).__name__}: {error}"[:300]
    if attempts >= MAX_ATTEMPTS:
        actions = [Message.status.set(FAILED), Message.failed_at.set(now), Message.gsi1pk.set(DEAD),
                   Message.gsi1sk.set(outbox_repo.failed_index(now, message.message_id)[1]), Message.next_attempt_at.remove()]
        outcome = FAILED
    else:
        later = now + BACKOFF[attempts - 1]
        actions = [Message.next_attempt_at.set(later), Message.gsi1sk.set(outbox_repo.due_index(later, message.message_id)[1])]
        outcome = "retry"
    try:
        tx.update(message, [*actions, Message.last_error.set(reason), Message.lease_until.remove()],
                  Message.pk.exists() & (Message.status == QUEUED))
    except ConditionFailed:
        return "skipped"  # erased meanwhile
    return outcome


def handle_records(records: Iterable[Mapping[str, Any]], now: dt.datetime | None = None) -> dict[str, int]:
    """The stream handler's work: send each message that has just become queued (new, or resent)."""
    now = now or clock.now()
    counts: dict[str, int] = {}
    for change in stream.written(records):
        new, old = change.new, change.old
        if stream.text(new, "kind") != "message" or stream.text(new, "status") != QUEUED or stream.text(old, "status") == QUEUED:
            continue
        outcome = deliver(stream.text(new, "pk"), stream.text(new, "sk"), now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def send_due(now: dt.datetime, limit: int = DUE_BATCH) -> dict[str, int]:
    """The scheduled retry: every queued message whose next attempt has come (one Query of gsi1)."""
    counts: dict[str, int] = {}
    for pk, sk in outbox_repo.due(now, limit):
        outcome = deliver(pk, sk, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- what the operator sees ---------------------------------------------------------------------------


def failed(limit: int = 200) -> list[Message]:
    """The messages that failed every attempt, oldest first (one Query of gsi1)."""
    return outbox_repo.failed(limit)


def resend(message_id: str, now: dt.datetime) -> Message | None:
    """Queue a failed message again (the stream sends it); None when no failed message has that id."""
    found = outbox_repo.failed_one(message_id)
    if found is None:
        return None
    try:
        tx.update(found, [
            Message.status.set(QUEUED), Message.attempts.set(0), Message.next_attempt_at.set(now + SAFETY_NET),
            Message.gsi1pk.set(DUE), Message.gsi1sk.set(outbox_repo.due_index(now + SAFETY_NET, message_id)[1]),
            Message.failed_at.remove(),
        ], Message.status == FAILED)
    except ConditionFailed:
        return None
    return found
