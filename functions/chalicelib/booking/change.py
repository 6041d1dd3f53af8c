"""Changing a booking from its link: move it to another free time, or cancel it.

Cancelling deletes the locks in the same transaction that marks the booking
cancelled, so the time is free again at once. Moving deletes the old units,
takes the new ones and keeps the shared ones (checked to be still ours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core import clinic as clinic_module
from ..core.clinic import Clinic
from ..core.errors import Conflict, Invalid
from ..messages import add as add_message
from ..payments.values import RefundResult
from ..retention import dates as retention
from ..retention.expiry import refresh as refresh_expiry
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, Customer, SlotLock
from ..store.tx import Tx, backoff
from . import availability, consultations
from .locks import LOCK_KEEP, check_unblocked, day_keys, lock_free, lock_item, lock_ours
from .notify import booking_mail, clinic_notices, quietly

MAX_ATTEMPTS = 8  # transactions per request before giving up on a contended slot


def _too_late(clinic: Clinic, booking: Booking, now: dt.datetime) -> bool:
    return now > clinic.rules.change_until(booking.start)


def reschedule(customer: Customer, booking: Booking, new_start: dt.datetime, staff_id: str | None, now: dt.datetime,
               clinic: Clinic | None = None, *, by_staff: str | None = None) -> Booking:
    """Move a confirmed booking to another free time (409 ``slot_taken`` / ``too_late``).
    ``by_staff``: the clinic moves it (a caller, a block): no deadline and no notice limit."""
    clinic = clinic or clinic_module.current()
    service = clinic.service(booking.service_id)
    if service is None:
        raise Conflict()
    if booking.status not in ("confirmed", "awaiting_payment") or (booking.status != "confirmed" and not by_staff):
        raise Conflict()
    if not by_staff and _too_late(clinic, booking, now):
        raise Conflict("too_late")
    problem = availability.check_start(clinic, service, new_start, now, notice=by_staff is None)
    if problem:
        raise Invalid(fields={"start": problem})
    if new_start == booking.start and staff_id in (None, booking.staff_id):
        return booking
    new_end = new_start + dt.timedelta(minutes=service.duration_minutes)
    candidates = [s for s in ([staff_id] if staff_id else
                              [booking.staff_id] + [s for s in service.staff if s != booking.staff_id])
                  if availability.works(clinic, s, new_start, new_end)]
    if staff_id and not candidates:
        raise Invalid(fields={"start": "staff_not_working"})
    old_units = set(availability.units_from(clinic, booking.start, int(booking.locked_units)))
    new_units = availability.units(clinic, service, new_start)
    keep_until = max(booking.expires_at or now, retention.customer_expiry([(new_start, False)], now))
    basis = None
    if service.regulated:  # lag (2021:363): the new time, too, must follow a consultation
        basis = consultations.require(clinic, service, new_start, consultations.bookings_of(booking.customer_id, now), now,
                                      exclude=booking.booking_id)
    taken: set[str] = set()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        target = next((s for s in candidates if s not in taken), None)
        if target is None:
            break
        tx = Tx()
        shared = old_units & set(new_units) if target == booking.staff_id else set()
        for unit in sorted(old_units - shared):
            tx.delete("old_lock", SlotLock(*SlotLock.key(booking.staff_id, unit)), lock_ours(booking.booking_id))
        for unit in sorted(shared):
            tx.check("old_lock", SlotLock, SlotLock.key(target, unit), lock_ours(booking.booking_id))
        for unit in new_units:
            if unit not in shared:
                tx.put("lock", lock_item(target, unit, booking.booking_id, booking.hold_until, new_end + LOCK_KEEP,
                                         booking.customer_id), lock_free(now))
        check_unblocked(tx, clinic, service, target, new_start)
        day_pk, day_sk = day_keys(clinic, new_start, booking.booking_id)
        relied = consultations.guard_move(tx, booking.customer_id, basis) if basis is not None else []
        moved = Booking.from_raw_data(booking.serialize())  # as it will be written: no read after the write
        moved.start, moved.end, moved.staff_id, moved.locked_units = new_start, new_end, target, len(new_units)
        moved.gsi1pk, moved.gsi1sk, moved.updated_at, moved.reminder_sent_at = day_pk, day_sk, now, None
        moved.expires_at = keep_until
        if basis is not None:
            moved.basis_kind, moved.basis_booking_id, moved.flag, moved.flagged_at = basis.kind, basis.booking_id, None, None
        add_message(tx, booking_mail("reschedule", moved, customer, now))
        for i, notice in enumerate(clinic_notices("reschedule", moved, customer, now)):
            add_message(tx, notice, f"notice{i}")
        tx.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)), [
            Booking.start.set(new_start), Booking.end.set(new_end), Booking.staff_id.set(target),
            Booking.locked_units.set(len(new_units)), Booking.gsi1pk.set(day_pk), Booking.gsi1sk.set(day_sk),
            Booking.updated_at.set(now), Booking.reminder_sent_at.remove(), Booking.expires_at.set(keep_until),
            *relied,
        ], (Booking.status == booking.status) & (Booking.start == booking.start) & (Booking.staff_id == booking.staff_id))
        try:
            tx.commit()
        except ConditionFailed as failed:
            if failed.failed("booking") or failed.failed("old_lock"):
                raise Conflict() from None  # changed meanwhile (moved or cancelled from another tab)
            if failed.failed("basis"):  # the consultation relied on changed meanwhile: decide again
                basis = consultations.require(clinic, service, new_start, consultations.bookings_of(booking.customer_id, now),
                                              now, exclude=booking.booking_id)
                continue
            if failed.failed("lock") or failed.failed("block"):
                taken.add(target)
                continue
            backoff(attempt)
            continue
        quietly(consultations.after_change, moved, now, customer)  # a consultation moved: its treatments decided again
        quietly(refresh_expiry, booking.customer_id, now)  # its Message moves with the rest
        return moved
    raise Conflict("slot_taken")


@dataclass
class Cancelled:
    booking: Booking
    refund: RefundResult | None = None


def cancel(customer: Customer, booking: Booking, now: dt.datetime, clinic: Clinic | None = None, *,
           by_staff: str | None = None, refund: bool | None = None, message: str | None = None) -> Cancelled:
    """Cancel and free the time at once; the prepayment goes back through payments (409 ``too_late``).

    ``by_staff``: the clinic cancels: no deadline, the prepayment is refunded exactly when ``refund``
    says so, and ``message`` (the clinic's words) goes into the customer's cancellation."""
    clinic = clinic or clinic_module.current()
    if not by_staff and booking.status == "confirmed" and _too_late(clinic, booking, now):
        raise Conflict("too_late")
    return _cancel(clinic, booking, now, customer=customer, follow_up=True,
                   refund=refund if by_staff else None, message=message, by="clinic" if by_staff else "customer")


def release(booking: Booking, now: dt.datetime) -> Cancelled:
    """Cancel without telling anybody or moving the expiry: for erasure (the whole partition goes
    next) and for a hold nobody can pay. The time is freed; the refund follows the payment rules."""
    return _cancel(clinic_module.current(), booking, now, customer=None, follow_up=False, by="system")


def _cancel(clinic: Clinic, booking: Booking, now: dt.datetime, *, customer: Customer | None = None,
            follow_up: bool = False, refund: bool | None = None, message: str | None = None,
            by: str = "customer") -> Cancelled:
    if booking.status == "cancelled":
        return Cancelled(booking)  # a second click changes nothing
    if booking.status not in ("confirmed", "awaiting_payment"):
        raise Conflict()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # A lapsed hold may already belong to somebody else: its units are not ours to delete.
        holds = booking.status == "confirmed" or (booking.hold_until is not None and booking.hold_until > now)
        tx = Tx()
        if holds:
            for unit in availability.units_from(clinic, booking.start, int(booking.locked_units)):
                tx.delete("lock", SlotLock(*SlotLock.key(booking.staff_id, unit)), lock_ours(booking.booking_id))
        tx.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)), [
            Booking.status.set("cancelled"), Booking.cancelled_at.set(now), Booking.updated_at.set(now),
            Booking.cancelled_by.set(by), Booking.hold_until.remove(), Booking.hold_by.remove(),
        ], (Booking.status == booking.status) & (Booking.start == booking.start))
        if follow_up and customer is not None and booking.status == "confirmed":
            gone = _as_cancelled(booking, now)
            add_message(tx, booking_mail("cancellation", gone, customer, now,
                                         (_refund_due(booking) if refund is not False else 0) or None, message))
            for i, notice in enumerate(clinic_notices("cancellation", gone, customer, now)):
                add_message(tx, notice, f"notice{i}")
        try:
            tx.commit()
        except ConditionFailed as failed:
            if failed.reasons.get("booking") or failed.failed("lock"):
                fresh = lookups.booking(booking.customer_id, booking.booking_id, now)  # changed meanwhile: decide again
                if fresh is None:
                    raise Conflict() from None
                booking = fresh
                if booking.status == "cancelled":
                    return Cancelled(booking)
                if booking.status not in ("confirmed", "awaiting_payment"):
                    raise Conflict() from None
                continue
            backoff(attempt)
            continue
        break
    else:
        raise Conflict()
    cancelled = _as_cancelled(booking, now)
    refunded_now = None
    if cancelled.payment_intent_id and refund is not False:
        from ..payments import refunds  # stripe is imported only where payments happen (cold start)

        refunded_now = refunds.refund_on_cancel(cancelled, now, force=refund is True)
    if not follow_up:
        return Cancelled(cancelled, refunded_now)
    if booking.status == "confirmed":
        quietly(consultations.after_change, cancelled, now, customer)  # a consultation gone: its treatments flagged
    quietly(refresh_expiry, booking.customer_id, now)  # its Message moves with the rest
    return Cancelled(cancelled, refunded_now)


def _as_cancelled(booking: Booking, now: dt.datetime) -> Booking:
    """The booking as the cancel writes it (no read after the write)."""
    cancelled = Booking.from_raw_data(booking.serialize())
    cancelled.status, cancelled.cancelled_at, cancelled.updated_at, cancelled.hold_until = "cancelled", now, now, None
    cancelled.hold_by = None
    return cancelled


def _refund_due(booking: Booking) -> int:
    """What a cancellation in time gives back (payments.refunds makes it after the commit): what was
    paid and not refunded yet. The e-mail, written with the cancellation, says this amount."""
    if not booking.payment_intent_id:
        return 0
    return max(int(booking.paid_sek or 0) - int(booking.refunded_sek or 0), 0)
