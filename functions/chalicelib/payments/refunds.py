"""Giving money back: once, capped at what was paid, ledgered.

- ``refund_on_cancel(booking, now)`` gives the prepayment back when a booking
  is cancelled in time, at most once and never more than was paid.
- ``refund_unbooked(paid, ...)`` gives a payment back that found no booking to
  pay (the hold had lapsed and somebody else took the slot).
- ``refund_part(booking, amount_sek, now, reason)`` gives part of a payment back
  (a complaint closed with a partial refund), through the same claim: never more
  than was paid minus what was refunded before.

Why a claim before Stripe is asked: Stripe deduplicates a retried request by
its idempotency key, but two *different* cancel requests at once would each
refund, and localstripe ignores idempotency keys and refunds beyond the
charge. So each payment has a ``RefundClaim`` item; a refund first raises
``claimed_ore`` with a conditional update (``claimed_ore = :seen``), and only
the writer whose update holds calls Stripe. The total claimed never exceeds
the amount paid, so the total refunded cannot either.

Every refund, whatever its path, is booked by ``receipts.refunded``: its ledger row and its credit
receipt (kreditkvitto), once per Stripe refund.
"""

from __future__ import annotations

import datetime as dt
import logging

from ..core import clinic as clinic_module
from ..retention import dates as retention
from ..store import tx
from ..store.errors import ConditionFailed
from ..store.models import Booking, RefundClaim
from . import gateway, ledger, receipts
from .gateway import PaymentError, to_sek
from .values import Paid, RefundResult

log = logging.getLogger(__name__)


def in_time_to_refund(booking: Booking, now: dt.datetime) -> bool:
    """Cancelled by the clinic's change deadline (``change_deadline_hours`` before the start)."""
    return now <= clinic_module.current().rules.change_until(booking.start)


def refund_on_cancel(booking: Booking, now: dt.datetime, *, force: bool = False) -> RefundResult | None:
    """Refund a cancelled booking's prepayment: once, capped, ledgered.

    None when nothing was paid or the cancellation is too late for a refund (``force``: the clinic
    refunds whatever the time, e.g. when it cancels itself).
    A second call (a retried or simultaneous cancel) refunds nothing more and
    answers with what was refunded before.
    """
    if not booking.payment_intent_id or not (force or in_time_to_refund(booking, now)):
        return None
    paid = gateway.retrieve(booking.payment_intent_id)
    if paid is None or not paid.succeeded:
        return None
    try:
        result = _refund(paid, booking.booking_id, now, reason="cancelled_in_time")
    except PaymentError:
        # The cancellation stands (it is committed); the claim was given back, so
        # the operator can refund by hand or a later call can. Say so, do not 500.
        log.exception("refund for cancelled booking %s failed", booking.booking_id)
        return RefundResult(amount_sek=0, status="failed", refund_id=None)
    _note_on_booking(booking, to_sek(paid.amount_ore), now)
    return result


def refund_unbooked(paid: Paid, booking_id: str, now: dt.datetime) -> RefundResult | None:
    """Give back a payment that found no booking to pay (the hold was lost)."""
    if not paid.succeeded:
        return None
    return _refund(paid, booking_id, now, reason="hold_lost")


class RefundTooLarge(ValueError):
    """A partial refund asked for more than is left of the payment; ``remaining_sek`` is what is left."""

    def __init__(self, remaining_sek: int) -> None:
        super().__init__(f"at most {remaining_sek} SEK is left to refund")
        self.remaining_sek = remaining_sek


class NothingPaid(ValueError):
    """The booking has no online payment to refund from (paid at the clinic, or not at all)."""


def refund_part(booking: Booking, amount_sek: int, now: dt.datetime, reason: str) -> RefundResult:
    """Give ``amount_sek`` of the booking's payment back, whatever the booking's status or date.

    Capped by the payment's claim like every refund: RefundTooLarge when more is asked than
    was paid minus what was refunded (and claimed) before; a concurrent refund that takes
    the claim first makes this one ask again with what is left.
    """
    if amount_sek <= 0:
        raise ValueError("a refund is a positive amount")
    paid = gateway.retrieve(booking.payment_intent_id) if booking.payment_intent_id else None
    if paid is None or not paid.succeeded:
        raise NothingPaid(booking.booking_id)
    result = _refund(paid, booking.booking_id, now, reason=reason, amount_ore=gateway.to_ore(amount_sek))
    if result.status == "already_refunded":
        raise RefundTooLarge(0)
    _note_on_booking(booking, to_sek(_claimed(paid, booking.booking_id, now)), now)
    return result


def _claimed(paid: Paid, booking_id: str, now: dt.datetime) -> int:
    claim = claim_of(paid, booking_id, now)
    return max(int(claim.claimed_ore), paid.amount_refunded_ore)


def claimable(paid: Paid, claimed_ore: int, amount_ore: int | None) -> int:
    """What a refund may claim of a payment of which ``claimed_ore`` is claimed: all that is left (``amount_ore``
    None) or ``amount_ore``; 0 when nothing is left. What was refunded outside the app counts as claimed.
    RefundTooLarge (with what is left) when more is asked than is left."""
    remaining = paid.amount_ore - max(claimed_ore, paid.amount_refunded_ore)
    if remaining <= 0:
        return 0
    if amount_ore is not None and amount_ore > remaining:
        raise RefundTooLarge(to_sek(remaining))
    return remaining if amount_ore is None else amount_ore


def _refund(paid: Paid, booking_id: str, now: dt.datetime, reason: str, amount_ore: int | None = None) -> RefundResult:
    """Refund what is left of a payment (``amount_ore`` None) or that much of it, under the claim."""
    assert paid.charge_id is not None
    for _ in range(4):  # a partial refund that lost the claim to another asks again with what is left
        claim = claim_of(paid, booking_id, now)
        seen = int(claim.claimed_ore)
        already = max(seen, paid.amount_refunded_ore)  # also what was refunded outside the app
        amount = claimable(paid, seen, amount_ore)
        if amount == 0:
            return RefundResult(amount_sek=to_sek(already), status="already_refunded", refund_id=None)
        claimed = already + amount
        try:
            tx.update(claim, [RefundClaim.claimed_ore.set(claimed), RefundClaim.updated_at.set(now)],
                      RefundClaim.claimed_ore == seen)
        except ConditionFailed:
            if amount_ore is None:
                # Another cancel claimed it between our read and our write: it refunds, we do not.
                return RefundResult(amount_sek=to_sek(paid.amount_ore), status="already_refunded", refund_id=None)
            continue
        try:
            # Same claim, same key: a retry after a lost answer gets the same refund from Stripe.
            made = gateway.refund(paid.payment_intent_id, amount, {"booking_id": booking_id, "allavie_reason": reason},
                                  f"allavie-refund-{paid.payment_intent_id}-{seen}")
        except PaymentError:
            # Give the claim back so that a later cancel or retry can try again.
            try:
                tx.update(claim, [RefundClaim.claimed_ore.set(seen)], RefundClaim.claimed_ore == claimed)
            except ConditionFailed:
                log.exception("refund claim for %s could not be released", paid.payment_intent_id)
            raise
        receipts.refunded(paid, booking_id, made.refund_id, amount, now)  # the ledger row and the credit receipt
        return RefundResult(amount_sek=to_sek(amount), status=made.status, refund_id=made.refund_id)
    raise PaymentError(f"the refund claim of {paid.payment_intent_id} kept changing")


def claim_of(paid: Paid, booking_id: str, now: dt.datetime) -> RefundClaim:
    """The payment's claim item (read consistently), created at zero the first time (a race creates it once)."""
    pk, sk = RefundClaim.key(booking_id, paid.payment_intent_id)
    found = tx.get(RefundClaim, (pk, sk))
    if found is not None:
        return found
    day = ledger.stockholm_day(now)
    claim = RefundClaim(
        pk, sk, booking_id=booking_id, payment_intent_id=paid.payment_intent_id,
        paid_ore=paid.amount_ore, claimed_ore=0, updated_at=now,
        expires_at=retention.bookkeeping_expiry(day),
    )
    claim.index_expiry()
    try:
        tx.put(claim, RefundClaim.pk.does_not_exist())
    except ConditionFailed:
        found = tx.get(RefundClaim, (pk, sk))
        assert found is not None  # claims are never deleted before their seven years
        claim = found
    return claim


def _note_on_booking(booking: Booking, refunded_sek: int, now: dt.datetime) -> None:
    """Show the refunded total on the booking (one attribute; the claim item is what caps).

    An update of two attributes, never a whole-item put, so that it cannot
    undo what the booking's own cancel transaction wrote.
    """
    try:
        tx.update(booking, [Booking.refunded_sek.set(refunded_sek), Booking.updated_at.set(now)], Booking.pk.exists())
    except ConditionFailed:
        log.warning("booking %s is gone; its refund is in the ledger", booking.booking_id)
