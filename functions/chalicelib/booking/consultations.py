"""The rule of lag (2021:363) where bookings are made and changed (the rule itself is ``regulated``).

- Booking or moving a regulated treatment: the customer's partition is read once (the Query that
  also counts their holds, found through the EmailKey; a new customer has none), the rule decides,
  and the transaction condition-checks the consultation (or completed treatment) it relied on, so
  one cancelled or moved at the same moment makes the transaction fail and the rule decide again.
- After a consultation is cancelled or moved: the customer's regulated treatments to come are
  decided again; those the rule no longer allows are flagged (``Booking.flag``) and the customer is
  told what to do; a flag is cleared when a new consultation allows the treatment again.
- After a consultation is booked: the written information is e-mailed and recorded on the booking.
"""

from __future__ import annotations

import datetime as dt
import logging

from ..core import clinic as clinic_module
from ..core.clinic import Clinic, Service
from ..core.errors import Conflict
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, Customer
from ..store.table import Action, Condition
from ..store.tx import Tx, update
from . import information, locks, regulated
from .regulated import BETANKETID_DAYS, Basis

log = logging.getLogger(__name__)
SEARCH_WINDOWS = 4  # windows of max_range_days searched for the first free consultation (about eight months)


def require(clinic: Clinic, service: Service, start: dt.datetime, read: lookups.Holds | None, now: dt.datetime,
            exclude: str | None = None) -> Basis:
    """What allows booking ``service`` at ``start`` for the customer whose partition ``read`` is (None: a
    new customer), or 409 ``consultation_required`` with ``earliest``: two days after their consultation
    if they have one, else two days after the first free consultation."""
    bookings = read.bookings if read is not None else ()
    found = regulated.basis(clinic, service, start, bookings, exclude)
    if found is not None:
        return found
    earliest = regulated.earliest_after_own(clinic, service, bookings, exclude)
    if earliest is None:
        first = first_free_consultation(clinic, service, now)
        earliest = first + dt.timedelta(days=BETANKETID_DAYS) if first else None
    raise Conflict("consultation_required", extra={"earliest": earliest.isoformat()} if earliest else None)


def first_free_consultation(clinic: Clinic, service: Service, now: dt.datetime) -> dt.date | None:
    """The Stockholm date of the first free time of the consultation ``service`` requires (one Query per
    staff member who gives it, per window searched)."""
    consultation = clinic.consultation_for(service)
    if consultation is None:
        return None
    first = regulated.day_of(clinic, now)
    span = dt.timedelta(days=clinic.rules.max_range_days - 1)
    for _ in range(SEARCH_WINDOWS):
        slots = locks.free_slots(clinic, consultation, first, first + span, None, now)
        if slots:
            return regulated.day_of(clinic, slots[0].start)
        first += span + dt.timedelta(days=1)
    return None


def still_holds(found: Basis) -> Condition:
    """The condition the booking's transaction checks on what it relied on: unchanged since it was read."""
    return (Booking.status == found.status) & (Booking.start == found.start)


def guard(tx: Tx, booking: Booking, found: Basis) -> None:
    """Record the basis on the booking about to be written, and check it in the same transaction."""
    booking.basis_kind, booking.basis_booking_id = found.kind, found.booking_id
    tx.check("basis", Booking, Booking.key(booking.customer_id, found.booking_id), still_holds(found))


def guard_move(tx: Tx, customer_id: str, found: Basis) -> list[Action]:
    """For a move of a regulated treatment: check its basis in the transaction; the actions that record it."""
    tx.check("basis", Booking, Booking.key(customer_id, found.booking_id), still_holds(found))
    return basis_actions(found)


def basis_actions(found: Basis) -> list[Action]:
    """What a move of a regulated treatment writes with its new time: its basis, and no flag."""
    return [Booking.basis_kind.set(found.kind), Booking.basis_booking_id.set(found.booking_id),
            Booking.flag.remove(), Booking.flagged_at.remove()]


def is_consultation(clinic: Clinic, booking: Booking) -> bool:
    return any(s.requires == booking.service_id for s in clinic.services if s.regulated)


# --- after a consultation changes -----------------------------------------------------------------------


def after_change(changed: Booking, now: dt.datetime, customer: Customer | None = None) -> list[Booking]:
    """After a consultation was cancelled or moved: decide each regulated treatment to come again.
    Returns the bookings flagged now (each customer told once)."""
    clinic = clinic_module.current()
    if not is_consultation(clinic, changed):
        return []
    return review(clinic, changed.customer_id, now, customer)


def review(clinic: Clinic, customer_id: str, now: dt.datetime, customer: Customer | None = None) -> list[Booking]:
    """One Query of the customer's partition; flag what the rule no longer allows, clear what it allows."""
    read = lookups.open_holds(customer_id, now)
    flagged = []
    for booking in read.bookings:
        service = regulated.regulated_service(clinic, booking)
        lapsed = booking.status == "awaiting_payment" and (booking.hold_until is None or booking.hold_until <= now)
        if service is None or booking.status not in regulated.OPEN or booking.start <= now or lapsed:
            continue  # only treatments to come that still hold their time
        found = regulated.basis(clinic, service, booking.start, read.bookings, exclude=booking.booking_id)
        if found is None and not booking.flag:
            if _write(booking, [Booking.flag.set("consultation_required"), Booking.flagged_at.set(now)],
                      Booking.flag.does_not_exist()):
                flagged.append(booking)
        elif found is not None and (booking.flag or booking.basis_booking_id != found.booking_id):
            _write(booking, basis_actions(found), None)
    profile = customer or read.profile
    for booking in flagged:
        if profile is not None:
            try:
                information.send_flagged(booking, profile, now)
            except Exception:  # noqa: BLE001 - the flag stands; the log says which e-mail did not go
                log.exception("the e-mail about flagged booking %s failed", booking.booking_id)
    return flagged


def _write(booking: Booking, actions: list[Action], condition: Condition | None) -> bool:
    """A conditional update of a treatment still as it was read (not moved, cancelled or completed)."""
    unchanged = (Booking.status == booking.status) & (Booking.start == booking.start)
    try:
        update(booking, actions, unchanged & condition if condition is not None else unchanged)
    except ConditionFailed:
        return False
    return True


# --- after a consultation is booked ---------------------------------------------------------------------


def after_booked(booking: Booking, now: dt.datetime, customer: Customer | None = None) -> None:
    """A consultation confirmed: e-mail the written information once (recorded on the booking), and
    clear the flag of treatments it allows again."""
    clinic = clinic_module.current()
    if not is_consultation(clinic, booking):
        return
    profile = customer or lookups.profile(booking.customer_id, now)
    if profile is None:
        return
    if claim_information(booking, now):
        try:
            information.send_information(booking, profile, now, clinic)
        except Exception:
            update(booking, [Booking.information_sent_at.remove()], Booking.information_sent_at == now)
            raise
    review(clinic, booking.customer_id, now, profile)


def claim_information(booking: Booking, now: dt.datetime) -> bool:
    """Mark the information as sent before sending it, so that it goes once (removed if sending fails)."""
    try:
        update(booking, [Booking.information_sent_at.set(now)],
               Booking.pk.exists() & Booking.information_sent_at.does_not_exist())
    except ConditionFailed:
        return False
    return True
