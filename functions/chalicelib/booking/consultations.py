"""The rule of lag (2021:363) where bookings are made and changed (the rule itself is ``regulated``).

- Booking or moving a regulated treatment: the customer's partition is read once (for a booking, the
  Query that also gives the limits, found through the EmailKey; a new customer has none), the rule
  decides, and the transaction condition-checks the consultation (or completed treatment) it relied
  on, so one cancelled or moved at the same moment makes the transaction fail and the rule decide again.
- Confirming a consultation: the written information is a queued e-mail in the same transaction, and
  the booking records ``information_sent_at`` with it.
- After a consultation is cancelled or moved: the customer's regulated treatments to come are decided
  again; a treatment the rule no longer allows is flagged (``Booking.flag``) in one transaction with
  the e-mail that tells the customer what to do; a flag is cleared when a consultation allows the
  treatment again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..core import clinic as clinic_module
from ..core.clinic import Clinic, Service
from ..core.errors import Conflict
from ..messages import add as add_message
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, Customer
from ..store.table import Action, Condition
from ..store.tx import Tx, update
from . import information, locks, regulated
from .regulated import BETANKETID_DAYS, Basis

__all__ = ["Basis", "after_booked", "after_change", "bookings_of", "guard", "guard_move", "inform", "relevant",
           "require", "review"]
SEARCH_WINDOWS = 4  # windows of max_range_days searched for the first free consultation (about eight months)


def relevant(service: Service) -> tuple[str, ...]:
    """The treatments whose bookings the rule reads for ``service``: itself (a repeat) and its consultation."""
    return (service.id, service.requires) if service.regulated and service.requires else ()


def bookings_of(customer_id: str, now: dt.datetime) -> list[Booking]:
    """The customer's live bookings: one consistent Query of their partition (pattern 4)."""
    return [item for item in lookups.partition(customer_id, now) if isinstance(item, Booking)]


def require(clinic: Clinic, service: Service, start: dt.datetime, bookings: Iterable[Booking], now: dt.datetime,
            exclude: str | None = None) -> Basis:
    """What allows booking ``service`` at ``start`` for the customer whose ``bookings`` these are (none: a
    new customer), or 409 ``consultation_required`` with ``earliest``: two days after their consultation
    if they have one, else two days after the first free consultation."""
    bookings = list(bookings)
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
    Returns the bookings flagged now (each customer told once, in the transaction that flags)."""
    clinic = clinic_module.current()
    if not is_consultation(clinic, changed):
        return []
    return review(clinic, changed.customer_id, now, customer)


def after_booked(booking: Booking, now: dt.datetime) -> list[Booking]:
    """After a consultation was confirmed: clear the flag of the treatments it allows again."""
    clinic = clinic_module.current()
    if not is_consultation(clinic, booking):
        return []
    return review(clinic, booking.customer_id, now)


def review(clinic: Clinic, customer_id: str, now: dt.datetime, customer: Customer | None = None) -> list[Booking]:
    """One Query of the customer's partition; flag what the rule no longer allows, clear what it allows."""
    items = lookups.partition(customer_id, now)
    bookings = [item for item in items if isinstance(item, Booking)]
    profile = customer or next((item for item in items if isinstance(item, Customer)), None)
    flagged = []
    for booking in bookings:
        service = regulated.regulated_service(clinic, booking)
        lapsed = booking.status == "awaiting_payment" and (booking.hold_until is None or booking.hold_until <= now)
        if service is None or booking.status not in regulated.OPEN or booking.start <= now or lapsed:
            continue  # only treatments to come that still hold their time
        found = regulated.basis(clinic, service, booking.start, bookings, exclude=booking.booking_id)
        if found is None and not booking.flag and profile is not None:
            if _flag(clinic, booking, profile, now):
                flagged.append(booking)
        elif found is not None and (booking.flag or booking.basis_booking_id != found.booking_id):
            _write(booking, basis_actions(found))
    return flagged


def _unchanged(booking: Booking) -> Condition:
    """A treatment still as it was read (not moved, cancelled or completed meanwhile)."""
    return (Booking.status == booking.status) & (Booking.start == booking.start)


def _flag(clinic: Clinic, booking: Booking, customer: Customer, now: dt.datetime) -> bool:
    """Flag the treatment and queue the e-mail that tells the customer what to do: both or neither."""
    tx = Tx()
    tx.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)),
              [Booking.flag.set("consultation_required"), Booking.flagged_at.set(now)],
              _unchanged(booking) & Booking.flag.does_not_exist())
    add_message(tx, information.flagged_mail(booking, customer, now, clinic))
    try:
        tx.commit()
    except ConditionFailed:
        return False  # changed meanwhile, or flagged by another review
    return True


def _write(booking: Booking, actions: list[Action]) -> bool:
    try:
        update(booking, actions, _unchanged(booking))
    except ConditionFailed:
        return False
    return True


# --- when a consultation is confirmed -------------------------------------------------------------------


def inform(tx: Tx, clinic: Clinic, booking: Booking, customer: Customer, now: dt.datetime) -> bool:
    """For a consultation being confirmed: its written information goes into ``tx`` as a queued e-mail,
    and ``booking`` (the item as it will be written) records ``information_sent_at``. False otherwise."""
    if not is_consultation(clinic, booking):
        return False
    add_message(tx, information.information_mail(booking, customer, now, clinic), "information")
    booking.information_sent_at = now
    return True
