"""Bookings: take a slot, move it, cancel it, confirm its payment.

A slot is taken in ONE DynamoDB transaction (TransactWriteItems): the booking,
one SlotLock per grid unit its treatment and buffer cover (each on the
condition ``attribute_not_exists(pk) OR hold_until <= :now``), the customer's
profile (created, or updated on the condition that it is still the one we
know), the customer's EmailKey (created on the condition that nobody holds
the address) and the marketing ticked, as a request that the confirmation
e-mail asks the customer to confirm (marketing.double_opt_in), one condition check per unit of
the treatment that no blocked time covers it (``locks.check_unblocked``), and, when no payment is
due, the confirmation itself and the clinic's notices as queued outbox Messages (sent from the
stream). Two requests for one unit, at the same instant or with treatments of different lengths,
cannot both win: DynamoDB refuses the second transaction as a whole. Nothing is
read before that write except the EmailKey of the address (one GetItem; a caller booked by staff
without an address: the PhoneKey of their number), and,
for a returning customer, one Query of their partition (their profile, their
bookings that day and the holds the same requester took, for the limits of the
clinic file: ``max_bookings_per_day``, ``max_open_holds``); the transaction bumps
their ``booking_version`` on the condition that it is the value read, so two
bookings at once cannot both pass a limit. A new customer costs no read.

Cancelling deletes the locks in the same transaction that marks the booking
cancelled, so the time is free again at once. Moving deletes the old units,
takes the new ones and keeps the shared ones (checked to be still ours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core import clinic as clinic_module
from ..core.clinic import Clinic, Service
from ..core.errors import Conflict, Invalid, TooMany
from ..core.ids import new_id
from ..marketing import double_opt_in
from ..messages import add as add_message
from ..payments.values import PaymentStart
from ..retention import dates as retention
from ..retention.expiry import refresh as refresh_expiry
from ..store import lookups, ratelimit, search
from ..store.errors import ConditionFailed
from ..store.models import Booking, BookingRef, Customer, EmailKey, Item, PhoneKey
from ..store.tx import Tx, backoff
from ..store.tx import update as update_item
from . import availability, consultations, customers
from .change import release
from .locks import LOCK_KEEP, check_unblocked, day_keys, lock_free, lock_item
from .notify import booking_mail, clinic_notices, quietly
from .requests import BookingRequest

MAX_ATTEMPTS = 12           # transactions per request before giving up (a slot, or one customer's bookings at once)
HOLD_WINDOW = dt.timedelta(hours=1)  # booking.max_holds_per_requester_hour counts in this window


@dataclass
class Booked:
    booking: Booking
    customer: Customer
    payment: PaymentStart | None = None


def _identify(request: BookingRequest, now: dt.datetime) -> lookups.Known | None:
    """The customer of the address (the one read), or, for a caller without one, of the phone number."""
    return lookups.lookup(request.email, now) if request.email else lookups.lookup_phone(request.phone, now)


def book(request: BookingRequest, now: dt.datetime, clinic: Clinic | None = None, requester: str = "") -> Booked:
    """Take the slot for the visitor (or, ``request.booked_by``, for a caller), or 409 ``slot_taken``.
    Queues the confirmation when no payment is due. Staff have no notice limit, no limit of bookings per
    day, and may let the prepayment wait for the visit (``payment`` at_clinic); the rest is the same.

    ``requester`` is the caller's network address, used only for the limits on unpaid holds (kept
    as a keyed hash on the hold, never as such): a stranger's holds with somebody's address do not
    count against the holds that person takes.
    """
    clinic = clinic or clinic_module.current()
    rules = clinic.rules
    service = clinic.service(request.service_id)
    if service is None:
        raise Invalid(fields={"service": "unknown_service"})
    problem = availability.check_start(clinic, service, request.start, now, notice=request.booked_by is None)
    if problem:
        raise Invalid(fields={"start": problem})

    end = request.start + dt.timedelta(minutes=service.duration_minutes)
    candidates = [s for s in ([request.staff_id] if request.staff_id else list(service.staff))
                  if availability.works(clinic, s, request.start, end)]
    if request.staff_id and not candidates:
        raise Invalid(fields={"start": "staff_not_working"})
    booking_id = new_id()[:16]
    prepaid = service.prepayment_sek > 0 and request.payment == "online"
    hold_until = now + dt.timedelta(minutes=rules.hold_minutes) if prepaid else None
    hold_by = ratelimit.pseudonym("hold_by", requester) if prepaid else None
    if prepaid and ratelimit.count("holds", requester, now, window=HOLD_WINDOW) >= rules.max_holds_per_requester_hour:
        raise TooMany()  # counted only once a hold is taken (below): a refused request stores nothing
    day = request.start.astimezone(clinic.tz).date()
    day_span = availability.window(clinic, day, day)
    visit_expiry = retention.customer_expiry([(request.start, False)], now)
    known = _identify(request, now)  # the one read for a new customer
    orphan: str | None = None  # an EmailKey whose profile is gone: a new customer may take it over
    seen: lookups.Activity | None = None  # a returning customer's profile and bookings, read once per attempt
    taken: set[str] = set()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        staff_id = next((s for s in candidates if s not in taken), None)
        if staff_id is None:
            break
        if known is not None and seen is None:
            # One Query of their partition (consistent; a few KB: 1-4 read units): the profile, their
            # bookings that day and the holds this requester took; the transaction checks nothing came meanwhile.
            # For a regulated treatment it also gives their consultations and earlier ones (lag 2021:363).
            seen = lookups.activity(known.customer_id, now, day_span, hold_by or "-", consultations.relevant(service))
            if seen.profile is None:
                orphan, known, seen = known.customer_id, None, None
            else:
                if prepaid and seen.holds >= rules.max_open_holds:
                    raise Conflict("too_many_holds")
                if seen.on_day >= rules.max_bookings_per_day and request.booked_by is None:
                    raise Conflict("too_many_bookings")
                known = lookups.Known(known.customer_id, int(seen.profile.link_generation), known.expires_at)
        # lag (2021:363): decided from the read above (a new customer has no consultation: 409)
        basis = (consultations.require(clinic, service, request.start, seen.bookings if seen else (), now)
                 if service.regulated else None)
        plan = _plan(clinic, service, request, staff_id, booking_id, known, orphan, hold_until, visit_expiry, now,
                     seen, hold_by)
        if basis is not None:  # the transaction checks the consultation it relies on
            consultations.guard(plan.tx, plan.booking, basis)
        try:
            plan.tx.commit()
        except ConditionFailed as failed:
            lock_taken = failed.failed("lock") or failed.failed("block")
            if lock_taken:
                taken.add(staff_id)  # somebody holds one of its units, or it is blocked: the next staff member
            if failed.failed("basis"):  # the consultation relied on changed meanwhile: read and decide again
                seen = None
                continue
            if failed.failed("email") or failed.failed("customer"):
                # The address was taken meanwhile (a race for the same new customer), or the profile
                # changed (another booking, new link generation, erased): read again and retry.
                known, seen = _identify(request, now), None
                continue
            if lock_taken:
                continue
            if failed.contended:
                backoff(attempt)  # another transaction had one of our items at that instant
                continue
            raise RuntimeError(f"booking transaction cancelled: {failed.reasons}") from None
        if prepaid:
            ratelimit.hit("holds", requester, now, limit=rules.max_holds_per_requester_hour, window=HOLD_WINDOW)
        return _after_booking(plan, known, now)
    raise Conflict("slot_taken")


@dataclass
class _Plan:
    tx: Tx
    booking: Booking
    customer: Customer
    expiry: dt.datetime


def _plan(clinic: Clinic, service: Service, request: BookingRequest, staff_id: str, booking_id: str,
          known: lookups.Known | None, orphan: str | None, hold_until: dt.datetime | None,
          visit_expiry: dt.datetime, now: dt.datetime, seen: lookups.Activity | None = None,
          hold_by: str | None = None) -> _Plan:
    tx = Tx()
    customer_id = known.customer_id if known else new_id()
    expiry = max(visit_expiry, known.expires_at) if known and known.expires_at else visit_expiry
    generation = known.link_generation if known and known.link_generation is not None else 1
    start, end = request.start, request.start + dt.timedelta(minutes=service.duration_minutes)
    units = availability.units(clinic, service, start)
    day_pk, day_sk = day_keys(clinic, start, booking_id)
    asked = double_opt_in.ticked(request.marketing_email, request.marketing_sms)
    at_clinic = request.payment == "at_clinic" and service.prepayment_sek > 0
    booking = Booking(
        *Booking.key(customer_id, booking_id), booking_id=booking_id, customer_id=customer_id,
        service_id=service.id, staff_id=staff_id, start=start, end=end, locked_units=len(units),
        status="awaiting_payment" if hold_until else "confirmed", hold_until=hold_until, hold_by=hold_by,
        note=request.note, language=request.language, age_confirmed=request.age_confirmed,
        price_sek=service.price_sek, prepayment_sek=service.prepayment_sek, reminder_channel=request.reminder,
        created_at=now, updated_at=now, gsi1pk=day_pk, gsi1sk=day_sk, expires_at=expiry,
        marketing_requested=" ".join(asked) or None,
        booked_by=request.booked_by, payment="at_clinic" if at_clinic else "online" if hold_until else None,
    )
    tx.put("booking", booking, Booking.pk.does_not_exist())
    tx.put("ref", BookingRef.make(customer_id, booking_id, expiry))
    for unit in units:
        tx.put("lock", lock_item(staff_id, unit, booking_id, hold_until, end + LOCK_KEEP, customer_id), lock_free(now))
    check_unblocked(tx, clinic, service, staff_id, start)

    key_model: type[EmailKey] | type[PhoneKey] = EmailKey if request.email else PhoneKey
    if known is None or seen is None or seen.profile is None:
        profile = customers.new_profile(customer_id, request.name, request.email, request.phone, request.language,
                                        expiry, now)
        tx.put("customer", profile, Customer.pk.does_not_exist())
        found_by = customers.new_identity_key(request.email, request.phone, customer_id, 1, expiry)
        condition = customers.free_or_expired(now)
        if orphan:
            condition = condition | (Item.pk.exists() & (key_model.customer_id == orphan))
        tx.put("email", found_by, condition)
        for term in search.items_for(profile):  # found by staff's search at once
            tx.put("term", term)
    else:
        # The stored profile, as this booking leaves it (the e-mail greets the customer by their own name).
        profile = Customer.from_raw_data(seen.profile.serialize())
        profile.phone, profile.language, profile.expires_at = profile.phone or request.phone, request.language, expiry
        actions = customers.profile_update(customer_id, request.phone, request.language, expiry, now)
        # No other booking since the read: a concurrent one bumped the version, and this one reads again.
        actions.append(Customer.booking_version.add(1))
        version = seen.profile.booking_version
        condition = customers.live_condition(now) & (Customer.link_generation == generation) & (
            Customer.booking_version.does_not_exist() if version is None else Customer.booking_version == int(version))
        tx.update("customer", Customer(*Customer.key(customer_id)), actions, condition)
        if not seen.profile.phone:  # a number kept for the first time: findable by staff's search at once
            for term in search.items_for(profile):
                if term.field == "phone":
                    tx.put("term", term)
        key = (EmailKey(*EmailKey.key(request.email)) if request.email else PhoneKey(*PhoneKey.key(request.phone)))
        tx.update("email", key, [key_model.expires_at.set(expiry), key_model.link_generation.set(generation)],
                  customers.live_condition(now) & (key_model.customer_id == customer_id))
    # Ticked boxes are a request (an unticked one is no choice at all): the customer's channels stay
    # as they are until the owner of the address confirms from the confirmation e-mail.
    for record in double_opt_in.requests(customer_id, asked, now, expiry):
        tx.put("consent", record, None)
    if hold_until is None:  # confirmed now: its confirmation goes with it (a hold's, with the payment)
        add_message(tx, booking_mail("confirmation", booking, profile, now))
        for i, notice in enumerate(clinic_notices("confirmation", booking, profile, now)):
            add_message(tx, notice, f"notice{i}")
        consultations.inform(tx, clinic, booking, profile, now)  # a consultation: the written information too
    return _Plan(tx, booking, profile, expiry)


def _after_booking(plan: _Plan, known: lookups.Known | None, now: dt.datetime) -> Booked:
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
    elif known is not None:
        quietly(consultations.after_booked, booking, now)  # a consultation: treatments it allows again lose their flag
    return Booked(booking, customer, payment)
