"""Bookings: take a slot, move it, cancel it, confirm its payment.

A slot is taken in ONE DynamoDB transaction (TransactWriteItems): the booking,
one SlotLock per grid unit its treatment and buffer cover (each on the
condition ``attribute_not_exists(pk) OR hold_until <= :now``), the customer's
profile (created, or updated on the condition that it is still the one we
know), the customer's EmailKey (created on the condition that nobody holds
the address) and the marketing ticked, as a request that the confirmation
e-mail asks the customer to confirm (marketing.double_opt_in). Two requests
for one unit, at the same instant or with treatments of different lengths,
cannot both win: DynamoDB refuses the second transaction as a whole. Nothing is
read before that write except the EmailKey of the address (one GetItem), and,
when a returning customer takes an unpaid hold, one Query of their partition
(their open holds, at most ``MAX_OPEN_HOLDS``).

Cancelling deletes the locks in the same transaction that marks the booking
cancelled, so the time is free again at once. Moving deletes the old units,
takes the new ones and keeps the shared ones (checked to be still ours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core import clinic as clinic_module
from ..core.clinic import Clinic, Service
from ..core.errors import Conflict, Invalid
from ..core.ids import new_id
from ..marketing import double_opt_in
from ..payments.types import PaymentStart
from ..retention import dates as retention
from ..retention.expiry import refresh as refresh_expiry
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, Customer, EmailKey, Item
from ..store.tx import Tx, backoff
from ..store.tx import update as update_item
from . import availability, consultations, customers
from .change import release
from .locks import LOCK_KEEP, day_keys, lock_free, lock_item
from .notify import quietly, send_confirmation
from .requests import BookingRequest

MAX_ATTEMPTS = 8            # transactions per request before giving up on a contended slot
MAX_OPEN_HOLDS = 2          # unpaid, unexpired holds one customer (by address) may have at once


@dataclass
class Booked:
    booking: Booking
    customer: Customer
    payment: PaymentStart | None = None


def book(request: BookingRequest, now: dt.datetime, clinic: Clinic | None = None) -> Booked:
    """Take the slot for the visitor, or 409 ``slot_taken``. Sends the confirmation when no payment is due."""
    clinic = clinic or clinic_module.current()
    service = clinic.service(request.service_id)
    if service is None:
        raise Invalid(fields={"service": "unknown_service"})
    problem = availability.check_start(clinic, service, request.start, now)
    if problem:
        raise Invalid(fields={"start": problem})

    candidates = [request.staff_id] if request.staff_id else list(service.staff)
    booking_id = new_id()[:16]
    prepaid = service.prepayment_sek > 0
    hold_until = now + dt.timedelta(minutes=clinic.rules.hold_minutes) if prepaid else None
    visit_expiry = retention.customer_expiry([(request.start, False)], now)
    known = lookups.lookup(request.email, now)  # the one read
    orphan: str | None = None  # an EmailKey whose profile is gone: a new customer may take it over
    holds: lookups.Holds | None = None  # a returning customer's open holds, read when this is a hold
    taken: set[str] = set()
    basis, read_ahead = None, None
    if service.regulated:  # lag (2021:363): a consultation first; the same Query gives the holds below
        read_ahead = lookups.open_holds(known.customer_id, now) if known else None
        basis = consultations.require(clinic, service, request.start, read_ahead, now)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        staff_id = next((s for s in candidates if s not in taken), None)
        if staff_id is None:
            break
        if known is not None and hold_until is not None and holds is None:
            # A new customer has no holds: nothing more is read. A returning one costs one Query of
            # their partition (consistent; it reads all their items, a few KB: 1-4 read units), which
            # also gives the profile; the transaction then checks that no other hold came meanwhile.
            holds, read_ahead = read_ahead or lookups.open_holds(known.customer_id, now), None
            if holds.profile is None:
                orphan, known, holds = known.customer_id, None, None
            else:
                if holds.count >= MAX_OPEN_HOLDS:
                    raise Conflict("too_many_holds")
                known = lookups.Known(known.customer_id, int(holds.profile.link_generation), known.expires_at)
        if known is not None and known.link_generation is None:
            profile = lookups.profile(known.customer_id, now)  # the key carries no copy: read it (rare)
            if profile is None:
                orphan, known = known.customer_id, None
            else:
                known = lookups.Known(known.customer_id, int(profile.link_generation), known.expires_at)
        plan = _plan(clinic, service, request, staff_id, booking_id, known, orphan, hold_until, visit_expiry, now,
                     holds)
        if basis is not None:
            consultations.guard(plan.tx, plan.booking, basis)
        try:
            plan.tx.commit()
        except ConditionFailed as failed:
            lock_taken = failed.failed("lock")
            if lock_taken:
                taken.add(staff_id)  # somebody holds one of its units: try the next staff member
            if failed.failed("basis"):  # the consultation relied on changed meanwhile: decide again
                read_ahead = lookups.open_holds(known.customer_id, now) if known else None
                basis, holds = consultations.require(clinic, service, request.start, read_ahead, now), None
                continue
            if failed.failed("email") or failed.failed("customer"):
                # The address was taken meanwhile (a race for the same new customer), or the profile
                # changed (new link generation, erased): read again and retry.
                known, holds = lookups.lookup(request.email, now), None
                if known is not None and failed.failed("customer"):
                    known = lookups.Known(known.customer_id, None, known.expires_at)
                continue
            if lock_taken:
                continue
            if failed.contended:
                backoff(attempt)  # another transaction had one of our items at that instant
                continue
            raise RuntimeError(f"booking transaction cancelled: {failed.reasons}") from None
        return _after_booking(clinic, plan, known, now)
    raise Conflict("slot_taken")


@dataclass
class _Plan:
    tx: Tx
    booking: Booking
    customer: Customer
    expiry: dt.datetime


def _plan(clinic: Clinic, service: Service, request: BookingRequest, staff_id: str, booking_id: str,
          known: lookups.Known | None, orphan: str | None, hold_until: dt.datetime | None,
          visit_expiry: dt.datetime, now: dt.datetime, holds: lookups.Holds | None = None) -> _Plan:
    tx = Tx()
    customer_id = known.customer_id if known else new_id()
    expiry = max(visit_expiry, known.expires_at) if known and known.expires_at else visit_expiry
    generation = known.link_generation if known and known.link_generation is not None else 1
    start, end = request.start, request.start + dt.timedelta(minutes=service.duration_minutes)
    units = availability.units(clinic, service, start)
    day_pk, day_sk = day_keys(clinic, start, booking_id)
    asked = double_opt_in.ticked(request.marketing_email, request.marketing_sms)
    booking = Booking(
        *Booking.key(customer_id, booking_id), booking_id=booking_id, customer_id=customer_id,
        service_id=service.id, staff_id=staff_id, start=start, end=end, locked_units=len(units),
        status="awaiting_payment" if hold_until else "confirmed", hold_until=hold_until, note=request.note,
        language=request.language, age_confirmed=request.age_confirmed, price_sek=service.price_sek,
        prepayment_sek=service.prepayment_sek, reminder_channel=request.reminder, created_at=now, updated_at=now,
        gsi1pk=day_pk, gsi1sk=day_sk, expires_at=expiry, marketing_requested=" ".join(asked) or None,
    )
    tx.put("booking", booking, Booking.pk.does_not_exist())
    for unit in units:
        tx.put("lock", lock_item(staff_id, unit, booking_id, hold_until, end + LOCK_KEEP), lock_free(now))

    if known is None:
        profile = customers.new_profile(customer_id, request.name, request.email, request.phone, request.language,
                                        expiry, now)
        tx.put("customer", profile, Customer.pk.does_not_exist())
        email_key = customers.new_email_key(request.email, customer_id, 1, expiry)
        condition = customers.free_or_expired(now)
        if orphan:
            condition = condition | (Item.pk.exists() & (EmailKey.customer_id == orphan))
        tx.put("email", email_key, condition)
    else:
        profile = Customer(
            *Customer.key(customer_id), customer_id=customer_id, name=request.name, email=request.email,
            phone=request.phone, language=request.language, link_generation=generation, expires_at=expiry,
            created_at=now,
        )  # what we know of it, enough for the e-mails; the stored one is updated below
        actions = customers.profile_update(customer_id, request.phone, request.language, expiry, now)
        condition = customers.live_condition(now) & (Customer.link_generation == generation)
        if holds is not None and holds.profile is not None and hold_until is not None:
            # No other hold since the count: a concurrent one bumped the version, and this one retries.
            actions.append(Customer.hold_version.add(1))
            version = holds.profile.hold_version
            condition &= (Customer.hold_version.does_not_exist() if version is None
                          else Customer.hold_version == int(version))
        tx.update("customer", Customer(*Customer.key(customer_id)), actions, condition)
        key = EmailKey(*EmailKey.key(request.email))
        tx.update("email", key, [EmailKey.expires_at.set(expiry), EmailKey.link_generation.set(generation)],
                  customers.live_condition(now) & (EmailKey.customer_id == customer_id))
    # Ticked boxes are a request (an unticked one is no choice at all): the customer's channels stay
    # as they are until the owner of the address confirms from the confirmation e-mail.
    for record in double_opt_in.requests(customer_id, asked, now, expiry):
        tx.put("consent", record, None)
    return _Plan(tx, booking, profile, expiry)


def _after_booking(clinic: Clinic, plan: _Plan, known: lookups.Known | None, now: dt.datetime) -> Booked:
    booking, customer = plan.booking, plan.customer
    if known is not None and (known.expires_at is None or plan.expiry > known.expires_at):
        quietly(refresh_expiry, booking.customer_id, now)  # older items of the customer follow the new date
    payment = None
    if booking.status == "awaiting_payment":
        from ..payments import gateway  # stripe is imported only where payments happen (cold start)

        try:
            payment = gateway.start_payment(booking)
        except Exception:
            # Nobody can pay a hold without its PaymentIntent: give the time back at once rather
            # than block it for hold_minutes (a retry would get 409 for its own time), then fail.
            quietly(release, booking, now)
            raise
        if payment is not None:
            booking.payment_intent_id = payment.payment_intent_id
            update_item(booking, [Booking.payment_intent_id.set(payment.payment_intent_id)],
                        Booking.status == "awaiting_payment")
    else:
        # A returning customer's copy here does not know their channels: the mail reads the profile
        # when it must decide whether to ask for the marketing confirmation.
        asks = known is not None and booking.marketing_requested
        send_confirmation(booking, now, customer=None if asks else customer)
        quietly(consultations.after_booked, booking, now, customer)  # a consultation's written information
    return Booked(booking, customer, payment)
