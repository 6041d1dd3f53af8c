"""Stripe webhooks: each event handled once, whatever Stripe retries.

``handle(raw_body, signature, now)`` is called by ``POST /webhooks/stripe``
with the body's bytes exactly as they arrived.

Each event id is recorded as a ``WebhookEvent`` item with the idempotency
condition ``attribute_not_exists(pk)`` (or: a stale in-progress record whose
lease has run out), in the way of aws-lambda-powertools' idempotency utility:

    delivery 1                           WebhookEvent STRIPE_EVENT#evt_1         delivery 2 (retry / replay)
    ----------                           -------------------------------         ---------------------------
    put status=in_progress,         -->  created (the condition held)
      lease_until=now+2min
    retrieve the intent from Stripe,                                        <--  put: ConditionalCheckFailed
      confirm the booking, ledger,                                               read: in_progress, lease valid
      send the e-mail                                                            -> 409, Stripe tries again later
    update status=completed         -->  completed
                                                                            <--  put: ConditionalCheckFailed
                                                                                 read: completed -> 200, nothing changes
    (had handling failed: delete the
     record, answer 500: Stripe's next
     retry handles it from the start)
    (had the Lambda died mid-way: the
     lease runs out and a retry takes
     the record over)

The record alone does not make the effects safe, so every effect is
idempotent too (``booking.paid``, which registers itself here as the handler of
``payment_intent.succeeded`` with ``on(...)``: payments knows nothing of bookings).

What events mean here:
- ``payment_intent.succeeded``: the registered handler gets the intent id: the
  intent is retrieved from Stripe (the event may be old or out of order) and,
  when it really succeeded, its booking is confirmed, or the money is given back.
  With no handler registered the delivery fails (500), so Stripe retries it.
- ``payment_intent.payment_failed``: nothing to do; the booking stays
  ``awaiting_payment`` and its hold lapses by itself (the customer may still
  retry with another card within the hold).
- anything else, or an intent that is not ours: recorded, answered 200.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..core.errors import Conflict, Invalid
from ..store import tx
from ..store.errors import ConditionFailed
from ..store.models import WebhookEvent
from . import gateway
from .values import StripeEvent

Handler = Callable[[str, dt.datetime], str]  # (the event's object id, now) -> what it did
HANDLERS: dict[str, Handler] = {}
MUST_BE_HANDLED = ("payment_intent.succeeded",)


def on(event_type: str) -> Callable[[Handler], Handler]:
    """Register the handler of one event type (a decorator)."""
    def register(handler: Handler) -> Handler:
        HANDLERS[event_type] = handler
        return handler
    return register

log = logging.getLogger(__name__)

IN_PROGRESS = "in_progress"
COMPLETED = "completed"
LEASE = dt.timedelta(minutes=2)          # longer than the Lambda's timeout
KEEP_EVENT_IDS = dt.timedelta(days=30)   # Stripe retries for 3 days; stale signatures fail after 5 minutes


@dataclass(frozen=True)
class Outcome:
    """What one delivery did (logged, and answered to Stripe for its dashboard)."""

    event_id: str
    event_type: str
    action: str  # confirmed | already_confirmed | refunded | payment_failed | not_ours | ignored | duplicate ...


def handle(raw_body: bytes, signature: str | None, now: dt.datetime) -> Outcome:
    """Verify, deduplicate and act on one delivery. 400 (Invalid) when the signature is bad."""
    try:
        event = gateway.verify_event(raw_body, signature)
    except gateway.BadSignature:
        raise Invalid("invalid_signature", {"stripe-signature": "signature"}) from None
    except ValueError:
        raise Invalid(fields={"body": "malformed_json"}) from None

    if not _begin(event, now):
        return Outcome(event.id, event.type, "duplicate")
    try:
        action = _dispatch(event, now)
    except BaseException:
        _forget(event)  # so that Stripe's retry handles it again
        raise
    _complete(event, now)
    outcome = Outcome(event.id, event.type, action)
    log.info("stripe event %s %s: %s", event.id, event.type, action)
    return outcome


# --- the event record --------------------------------------------------------------------


def _begin(event: StripeEvent, now: dt.datetime) -> bool:
    """Record the event as in progress; False when it was handled before."""
    pk, sk = WebhookEvent.key(event.id)
    record = WebhookEvent(
        pk, sk, event_type=event.type, received_at=now, status=IN_PROGRESS,
        lease_until=now + LEASE, expires_at=now + KEEP_EVENT_IDS,
    )
    record.index_expiry()
    try:
        tx.put(record, WebhookEvent.pk.does_not_exist()
               | ((WebhookEvent.status == IN_PROGRESS) & (WebhookEvent.lease_until < now)))
        return True
    except ConditionFailed:
        pass
    seen = tx.get(WebhookEvent, (pk, sk))
    if seen is None:
        # Its first handler failed and forgot it just now: let Stripe retry.
        raise Conflict("webhook_in_progress")
    if seen.status == COMPLETED:
        return False
    raise Conflict("webhook_in_progress")


def _complete(event: StripeEvent, now: dt.datetime) -> None:
    pk, sk = WebhookEvent.key(event.id)
    tx.update(WebhookEvent(pk, sk), [WebhookEvent.status.set(COMPLETED), WebhookEvent.lease_until.remove()])


def _forget(event: StripeEvent) -> None:
    pk, sk = WebhookEvent.key(event.id)
    try:
        tx.delete(WebhookEvent(pk, sk), WebhookEvent.status == IN_PROGRESS)
    except ConditionFailed:
        log.exception("could not release webhook event %s; its lease will", event.id)


# --- what events do -------------------------------------------------------------------------


def _dispatch(event: StripeEvent, now: dt.datetime) -> str:
    handler = HANDLERS.get(event.type)
    if handler is not None:
        return handler(event.object_id, now)
    if event.type in MUST_BE_HANDLED:
        raise RuntimeError(f"no handler registered for {event.type}: import booking.paid")
    if event.type == "payment_intent.payment_failed":
        # The booking stays awaiting_payment; its hold lapses by itself, so the
        # slot is free again after hold_minutes unless another card succeeds.
        return "payment_failed"
    return "ignored"
