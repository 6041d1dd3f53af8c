"""A paid hold becomes a confirmed booking; a payment with nothing left to pay for goes back.

``payment_succeeded`` is what the Stripe webhook does for ``payment_intent.succeeded``
(``payments.webhooks`` checks and deduplicates the event, then calls it: importing
this module registers it there). It
is idempotent: the booking moves from ``awaiting_payment`` to ``confirmed`` in
one conditional transaction, so only one handler ever wins and only the winner
sends the confirmation; ledger rows are keyed by the Stripe charge; refunds go
through the refund claim. The same payment announced by two events is still
confirmed once. Each payment gets its receipt (``payments.receipts``), keyed by the charge.
"""

from __future__ import annotations

import datetime as dt
import logging

from ..core import clinic as clinic_module
from ..messages import add as add_message
from ..payments import gateway, receipts, refunds, webhooks
from ..payments.values import Paid
from ..retention.expiry import refresh as refresh_expiry
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, SlotLock
from ..store.table import Action
from ..store.tx import Tx
from . import availability, consultations
from .locks import lock_ours
from .notify import booking_mail, clinic_notices, quietly

log = logging.getLogger(__name__)


def confirm_payment(customer_id: str, booking_id: str, payment_intent_id: str, amount_sek: int,
                    now: dt.datetime) -> Booking | None:
    """Turn a paid hold into a confirmed booking in one transaction; None when the hold was lost.

    Conditions: the booking is awaiting_payment with this intent, and every lock
    still names it (a lapsed hold is kept if nobody took its time meanwhile).
    """
    booking = lookups.booking(customer_id, booking_id, now)
    if booking is None or booking.status != "awaiting_payment" or booking.payment_intent_id != payment_intent_id:
        return None
    clinic = clinic_module.current()
    customer = lookups.profile(customer_id, now)
    tx = Tx()
    for unit in availability.units_from(clinic, booking.start, int(booking.locked_units)):
        tx.update("lock", SlotLock(*SlotLock.key(booking.staff_id, unit)), [SlotLock.hold_until.remove()],
                  lock_ours(booking_id))
    actions: list[Action] = [Booking.status.set("confirmed"), Booking.paid_sek.set(int(amount_sek)), Booking.hold_until.remove(),
               Booking.hold_by.remove(), Booking.updated_at.set(now)]
    confirmed = Booking.from_raw_data(booking.serialize())  # as written: the confirmation goes with it
    confirmed.status, confirmed.paid_sek, confirmed.hold_until, confirmed.hold_by = "confirmed", int(amount_sek), None, None
    confirmed.updated_at = now
    if customer is not None:
        add_message(tx, booking_mail("confirmation", confirmed, customer, now))
        for i, notice in enumerate(clinic_notices("confirmation", confirmed, customer, now)):
            add_message(tx, notice, f"notice{i}")
        if consultations.inform(tx, clinic, confirmed, customer, now):  # a consultation's written information
            actions.append(Booking.information_sent_at.set(now))
    tx.update("booking", Booking(*Booking.key(customer_id, booking_id)), actions,
              (Booking.status == "awaiting_payment") & (Booking.payment_intent_id == payment_intent_id))
    try:
        tx.commit()
    except ConditionFailed:
        return None
    quietly(refresh_expiry, customer_id, now)
    return confirmed


@webhooks.on("payment_intent.succeeded")
def payment_succeeded(payment_intent_id: str, now: dt.datetime) -> str:
    """Confirm the booking an intent paid for, or give the money back. Idempotent."""
    if not payment_intent_id.startswith("pi_"):
        return "not_ours"
    paid = gateway.retrieve(payment_intent_id)
    if paid is None:
        return "unknown_intent"
    if not paid.succeeded:
        return "not_succeeded"  # an old event for an intent that has moved on
    if not paid.booking_id or not paid.customer_id:
        return "not_ours"       # a payment on the account that no booking made
    # The money came in, whatever happens next: its ledger row and receipt (once per charge). Issued
    # before the booking is looked at, so that every retry of a failed delivery gets this far.
    receipts.paid(paid, now)

    booking = lookups.booking(paid.customer_id, paid.booking_id, now)
    if _paid_by(booking, payment_intent_id):
        return "already_confirmed"  # confirmed before (perhaps since completed or cancelled)
    if booking is not None and booking.status == "awaiting_payment" and not _pays_for(paid, booking):
        # Not what the booking costs (an intent altered after it was made, another currency): it pays for
        # nothing. The money goes back and the hold lapses as an unpaid one.
        refund = refunds.refund_unbooked(paid, paid.booking_id, now)
        log.warning("payment %s of %s %s for booking %s does not match its prepayment of %s SEK; refunded %s",
                    payment_intent_id, paid.amount_ore, paid.currency, paid.booking_id, booking.prepayment_sek, refund)
        return "amount_mismatch"
    if booking is not None and booking.status == "awaiting_payment":
        confirmed = confirm_payment(paid.customer_id, paid.booking_id, payment_intent_id,
                                    gateway.to_sek(paid.amount_ore), now)
        if confirmed is not None:
            quietly(consultations.after_booked, confirmed, now)  # a consultation: treatments it allows lose their flag
            return "confirmed"
        if _paid_by(lookups.booking(paid.customer_id, paid.booking_id, now), payment_intent_id):
            return "already_confirmed"  # another delivery confirmed it between our read and our write
    # Nothing left to pay for: the hold lapsed and the slot went to somebody
    # else, the booking was cancelled or erased, or it has another intent.
    refund = refunds.refund_unbooked(paid, paid.booking_id, now)
    log.warning("payment %s for booking %s found no hold to confirm; refunded %s",
                payment_intent_id, paid.booking_id, refund)
    return "refunded"


def _pays_for(paid: Paid, booking: Booking) -> bool:
    """The payment is exactly the booking's prepayment, in kronor."""
    return paid.currency == gateway.CURRENCY and paid.amount_ore == gateway.to_ore(int(booking.prepayment_sek or 0))


def _paid_by(booking: Booking | None, payment_intent_id: str) -> bool:
    """The booking was confirmed by this very payment (whatever happened to it since)."""
    return (booking is not None and booking.payment_intent_id == payment_intent_id
            and booking.status != "awaiting_payment" and int(booking.paid_sek or 0) > 0)
