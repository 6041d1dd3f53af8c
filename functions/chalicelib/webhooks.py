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
idempotent too: the booking moves from ``awaiting_payment`` to ``confirmed``
in one conditional transaction (``booking.confirm_payment``), so only one
handler ever wins and only the winner sends the confirmation e-mail; ledger
rows are keyed by the Stripe charge; refunds go through the refund claim
(payments.py). So the same payment announced by two different events is
still confirmed once.

What events mean here:
- ``payment_intent.succeeded``: the intent is retrieved from Stripe (the event
  may be old or out of order) and, when it really succeeded, its booking is
  confirmed. If the hold lapsed and the slot went to somebody else,
  ``confirm_payment`` answers None and the money is refunded at once.
- ``payment_intent.payment_failed``: nothing to do; the booking stays
  ``awaiting_payment`` and its hold lapses by itself (the customer may still
  retry with another card within the hold).
- anything else, or an intent that is not ours: recorded, answered 200.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from . import payments
from .errors import Conflict, Invalid
from .models import Booking, WebhookEvent

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
        event = payments.verify_event(raw_body, signature)
    except payments.BadSignature:
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


def _begin(event: payments.StripeEvent, now: dt.datetime) -> bool:
    """Record the event as in progress; False when it was handled before."""
    pk, sk = WebhookEvent.key(event.id)
    record = WebhookEvent(
        pk, sk, event_type=event.type, received_at=now, status=IN_PROGRESS,
        lease_until=now + LEASE, expires_at=now + KEEP_EVENT_IDS,
    )
    record.index_expiry()
    try:
        record.save(condition=WebhookEvent.pk.does_not_exist()
                    | ((WebhookEvent.status == IN_PROGRESS) & (WebhookEvent.lease_until < now)))
        return True
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    try:
        seen = WebhookEvent.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        # Its first handler failed and forgot it just now: let Stripe retry.
        raise Conflict("webhook_in_progress") from None
    if seen.status == COMPLETED:
        return False
    raise Conflict("webhook_in_progress")


def _complete(event: payments.StripeEvent, now: dt.datetime) -> None:
    pk, sk = WebhookEvent.key(event.id)
    WebhookEvent(pk, sk).update(actions=[WebhookEvent.status.set(COMPLETED), WebhookEvent.lease_until.remove()])


def _forget(event: payments.StripeEvent) -> None:
    pk, sk = WebhookEvent.key(event.id)
    try:
        WebhookEvent(pk, sk).delete(condition=WebhookEvent.status == IN_PROGRESS)
    except DeleteError:
        log.exception("could not release webhook event %s; its lease will", event.id)


# --- what events do -------------------------------------------------------------------------


def _dispatch(event: payments.StripeEvent, now: dt.datetime) -> str:
    if event.type == "payment_intent.succeeded":
        return payment_succeeded(str(event.object.get("id") or ""), now)
    if event.type == "payment_intent.payment_failed":
        # The booking stays awaiting_payment; its hold lapses by itself, so the
        # slot is free again after hold_minutes unless another card succeeds.
        return "payment_failed"
    return "ignored"


def payment_succeeded(payment_intent_id: str, now: dt.datetime) -> str:
    """Confirm the booking an intent paid for, or give the money back. Idempotent."""
    if not payment_intent_id.startswith("pi_"):
        return "not_ours"
    paid = payments.retrieve(payment_intent_id)
    if paid is None:
        return "unknown_intent"
    if not paid.succeeded:
        return "not_succeeded"  # an old event for an intent that has moved on
    if not paid.booking_id or not paid.customer_id:
        return "not_ours"       # a payment on the account that no booking made
    payments.record_payment(paid, paid.booking_id, now)  # the money came in, whatever happens next

    booking = _booking(paid.customer_id, paid.booking_id, now)
    if _paid_by(booking, payment_intent_id):
        return "already_confirmed"  # confirmed before (perhaps since completed or cancelled)
    if booking is not None and booking.status == "awaiting_payment":
        from . import booking as booking_module  # the booking capability owns the transition

        confirmed = booking_module.confirm_payment(
            paid.customer_id, paid.booking_id, payment_intent_id, payments.to_sek(paid.amount_ore), now)
        if confirmed is not None:
            booking_module.send_confirmation(confirmed, now)
            return "confirmed"
        if _paid_by(_booking(paid.customer_id, paid.booking_id, now), payment_intent_id):
            return "already_confirmed"  # another delivery confirmed it between our read and our write
    # Nothing left to pay for: the hold lapsed and the slot went to somebody
    # else, the booking was cancelled or erased, or it has another intent.
    refund = payments.refund_unbooked(paid, paid.booking_id, now)
    log.warning("payment %s for booking %s found no hold to confirm; refunded %s",
                payment_intent_id, paid.booking_id, refund)
    return "refunded"


def _booking(customer_id: str, booking_id: str, now: dt.datetime) -> Booking | None:
    try:
        booking = Booking.get(*Booking.key(customer_id, booking_id), consistent_read=True)
    except DoesNotExist:
        return None
    return booking if booking.is_live(now) else None


def _paid_by(booking: Booking | None, payment_intent_id: str) -> bool:
    """The booking was confirmed by this very payment (whatever happened to it since)."""
    return (booking is not None and booking.payment_intent_id == payment_intent_id
            and booking.status != "awaiting_payment" and int(booking.paid_sek or 0) > 0)

