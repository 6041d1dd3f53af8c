"""Bookings: take a slot, move it, cancel it, confirm its payment.

A slot is taken in ONE DynamoDB transaction (TransactWriteItems): the booking,
one SlotLock per grid unit its treatment and buffer cover (each on the
condition ``attribute_not_exists(pk) OR hold_until <= :now``), the customer's
profile (created, or updated on the condition that it is still the one we
know), the customer's EmailKey (created on the condition that nobody holds
the address) and the marketing ticked, as a request that the confirmation
e-mail asks the customer to confirm (marketing.py: double opt-in). Two requests
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
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from . import availability, customers, db, expiry, links, marketing, retention
from . import clinic as clinic_module
from .clinic import Clinic, Service
from .errors import Conflict, Invalid, NotFound
from .models import Booking, Customer, EmailKey, Item, SlotLock, live
from .validation import BookingRequest

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8            # transactions per request before giving up on a contended slot
MAX_OPEN_HOLDS = 2          # unpaid, unexpired holds one customer (by address) may have at once
LOCK_KEEP = dt.timedelta(days=1)  # a lock outlives its appointment by this, then TTL removes it


def refresh_expiry(customer_id: str, now: dt.datetime) -> None:
    """Move the customer's expiry on all their items (retention's cascade)."""
    expiry.refresh(customer_id, now)


# --- one transaction, with names for its parts ------------------------------------------------------


@dataclass
class _Tx:
    """A TransactWriteItems whose cancellation reasons can be read by name.

    pynamodb sends condition checks, deletes, puts, updates in that order, so
    the labels are kept in the same order to match DynamoDB's reasons.
    """

    checks: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)
    deletes: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)
    puts: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)
    updates: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)

    def check(self, label: str, model: type[Item], key: tuple[str, str], condition: Condition) -> None:
        self.checks.append((label, lambda tx: tx.condition_check(model, key[0], key[1], condition=condition)))

    def delete(self, label: str, item: Item, condition: Condition | None) -> None:
        self.deletes.append((label, lambda tx: tx.delete(item, condition=condition)))

    def put(self, label: str, item: Item, condition: Condition | None) -> None:
        self.puts.append((label, lambda tx: tx.save(item, condition=condition)))

    def update(self, label: str, item: Item, actions: list[Action], condition: Condition | None) -> None:
        self.updates.append((label, lambda tx: tx.update(item, actions, condition=condition)))

    def commit(self) -> dict[str, set[str]] | None:
        """None when written; else, per label, the reasons DynamoDB gave for cancelling."""
        ordered = self.checks + self.deletes + self.puts + self.updates
        try:
            with db.transaction() as transaction:
                for _, add in ordered:
                    add(transaction)
        except TransactWriteError as error:
            code = error.cause_response_code
            if code == "TransactionCanceledException":
                failed: dict[str, set[str]] = {}
                for (label, _), reason in zip(ordered, error.cancellation_reasons, strict=False):
                    if reason is not None and reason.code not in (None, "None"):
                        failed.setdefault(label, set()).add(str(reason.code))
                return failed or {"?": {"TransactionConflict"}}
            if code in ("TransactionInProgressException", "TransactionConflictException",
                        "ProvisionedThroughputExceededException", "ThrottlingException"):
                return {"?": {"TransactionConflict"}}
            raise
        return None


CCF = "ConditionalCheckFailed"


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0.005, 0.03) * attempt)  # noqa: S311 - jitter, not secrecy


# --- locks --------------------------------------------------------------------------------------------


def lock_free(now: dt.datetime) -> Condition:
    """A unit nobody holds, or whose unpaid hold has lapsed.

    A hold lapses AT ``hold_until`` (``<=``), as availability, cancel and expiry count it:
    with ``<`` the slot was shown free at exactly 15 minutes and taking it was 409.
    """
    return SlotLock.pk.does_not_exist() | (SlotLock.hold_until <= now)


def lock_ours(booking_id: str) -> Condition:
    return SlotLock.pk.exists() & (SlotLock.booking_id == booking_id)


def lock_item(staff_id: str, unit: dt.datetime, booking_id: str, hold_until: dt.datetime | None,
              keep_until: dt.datetime) -> SlotLock:
    return SlotLock(*SlotLock.key(staff_id, unit), booking_id=booking_id, hold_until=hold_until, expires_at=keep_until)


def read_locks(clinic: Clinic, staff_ids: Iterable[str], first: dt.date, last: dt.date,
               now: dt.datetime) -> list[availability.Lock]:
    """The units taken from ``first`` to ``last``: one Query per staff member."""
    begin, end = availability.window(clinic, first, last)
    low, high = SlotLock.key("-", begin)[1], SlotLock.key("-", end)[1]
    found = []
    for staff_id in staff_ids:
        for lock in SlotLock.query(f"LOCK#{staff_id}", SlotLock.sk.between(low, high), filter_condition=live(now)):
            unit = dt.datetime.strptime(lock.sk, "%Y-%m-%dT%H:%MZ").replace(tzinfo=dt.timezone.utc)
            found.append(availability.Lock(staff_id, unit, lock.hold_until))
    return found


def free_slots(clinic: Clinic, service: Service, first: dt.date, last: dt.date, staff_id: str | None,
               now: dt.datetime) -> list[availability.Slot]:
    staff_ids = (staff_id,) if staff_id else service.staff
    locks = read_locks(clinic, staff_ids, first, last, now)
    return availability.free_slots(clinic, service, first, last, now, locks, staff_id)


def check_range(clinic: Clinic, first: dt.date, last: dt.date, now: dt.datetime) -> None:
    """``GET /availability``'s range: in order, not in the past, at most ``max_range_days``."""
    today = now.astimezone(clinic.tz).date()
    if last < first:
        raise Invalid(fields={"to": "range_order"})
    if last < today or first < today:
        raise Invalid(fields={"from": "past"})
    if (last - first).days + 1 > clinic.rules.max_range_days:
        raise Invalid(fields={"to": "range_too_long"})


# --- the booking as the API shows it ------------------------------------------------------------------


def change_until(clinic: Clinic, booking: Booking) -> dt.datetime:
    return booking.start - dt.timedelta(hours=clinic.rules.change_deadline_hours)


def public(booking: Booking, language: str = "sv", clinic: Clinic | None = None) -> dict[str, Any]:
    from .clock import iso_local

    clinic = clinic or clinic_module.current()
    service = clinic.service(booking.service_id)
    staff = clinic.staff_member(booking.staff_id)
    return {
        "id": booking.booking_id,
        "status": booking.status,
        "service": booking.service_id,
        "service_name": service.name.get(language) if service else booking.service_id,
        "start": iso_local(booking.start),
        "end": iso_local(booking.end),
        "staff": booking.staff_id,
        "staff_name": staff.name if staff else booking.staff_id,
        "note": booking.note,
        "price_sek": int(booking.price_sek or 0),
        "prepayment_sek": int(booking.prepayment_sek or 0),
        "paid_sek": int(booking.paid_sek or 0),
        "hold_until": iso_local(booking.hold_until) if booking.hold_until else None,
        "change_until": iso_local(change_until(clinic, booking)),
        "language": booking.language,
    }


def new_id() -> str:
    return customers.new_id()[:16]


def _day_keys(clinic: Clinic, start: dt.datetime, booking_id: str) -> tuple[str, str]:
    """gsi1: DAY#<Stockholm date> / <start UTC>#<id>, for the reminders (pattern 6)."""
    day = start.astimezone(clinic.tz).date().isoformat()
    return f"DAY#{day}", f"{SlotLock.key('-', start)[1]}#{booking_id}"


# --- taking a slot -------------------------------------------------------------------------------------


@dataclass
class Booked:
    booking: Booking
    customer: Customer
    payment: Any | None = None  # payments.PaymentStart


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
    booking_id = new_id()
    prepaid = service.prepayment_sek > 0
    hold_until = now + dt.timedelta(minutes=clinic.rules.hold_minutes) if prepaid else None
    visit_expiry = retention.customer_expiry([(request.start, False)], now)
    known = customers.lookup(request.email, now)  # the one read
    orphan: str | None = None  # an EmailKey whose profile is gone: a new customer may take it over
    holds: customers.Holds | None = None  # a returning customer's open holds, read when this is a hold
    taken: set[str] = set()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        staff_id = next((s for s in candidates if s not in taken), None)
        if staff_id is None:
            break
        if known is not None and hold_until is not None and holds is None:
            # A new customer has no holds: nothing more is read. A returning one costs one Query of
            # their partition (consistent; it reads all their items, a few KB: 1-4 read units), which
            # also gives the profile; the transaction then checks that no other hold came meanwhile.
            holds = customers.open_holds(known.customer_id, now)
            if holds.profile is None:
                orphan, known, holds = known.customer_id, None, None
            else:
                if holds.count >= MAX_OPEN_HOLDS:
                    raise Conflict("too_many_holds")
                known = customers.Known(known.customer_id, int(holds.profile.link_generation), known.expires_at)
        if known is not None and known.link_generation is None:
            profile = customers.get(known.customer_id, now)  # the key carries no copy: read it (rare)
            if profile is None:
                orphan, known = known.customer_id, None
            else:
                known = customers.Known(known.customer_id, int(profile.link_generation), known.expires_at)
        plan = _plan(clinic, service, request, staff_id, booking_id, known, orphan, hold_until, visit_expiry, now,
                     holds)
        failed = plan.tx.commit()
        if failed is None:
            return _after_booking(clinic, plan, known, now)
        lock_taken = CCF in failed.get("lock", ())
        if lock_taken:
            taken.add(staff_id)  # somebody holds one of its units: try the next staff member
        if CCF in failed.get("email", ()) or CCF in failed.get("customer", ()):
            # The address was taken meanwhile (a race for the same new customer), or the profile
            # changed (new link generation, erased): read again and retry.
            known, holds = customers.lookup(request.email, now), None
            if known is not None and CCF in failed.get("customer", ()):
                known = customers.Known(known.customer_id, None, known.expires_at)
            continue
        if lock_taken:
            continue
        if any("TransactionConflict" in codes for codes in failed.values()):
            _backoff(attempt)  # another transaction had one of our items at that instant
            continue
        raise RuntimeError(f"booking transaction cancelled: {failed}")
    raise Conflict("slot_taken")


@dataclass
class _Plan:
    tx: _Tx
    booking: Booking
    customer: Customer
    expiry: dt.datetime


def _plan(clinic: Clinic, service: Service, request: BookingRequest, staff_id: str, booking_id: str,
          known: customers.Known | None, orphan: str | None, hold_until: dt.datetime | None,
          visit_expiry: dt.datetime, now: dt.datetime, holds: customers.Holds | None = None) -> _Plan:
    tx = _Tx()
    customer_id = known.customer_id if known else customers.new_id()
    expiry = max(visit_expiry, known.expires_at) if known and known.expires_at else visit_expiry
    generation = known.link_generation if known and known.link_generation is not None else 1
    start, end = request.start, request.start + dt.timedelta(minutes=service.duration_minutes)
    units = availability.units(clinic, service, start)
    day_pk, day_sk = _day_keys(clinic, start, booking_id)
    asked = marketing.ticked(request.marketing_email, request.marketing_sms)
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
    for record in marketing.requests(customer_id, asked, now, expiry):
        tx.put("consent", record, None)
    return _Plan(tx, booking, profile, expiry)


def _after_booking(clinic: Clinic, plan: _Plan, known: customers.Known | None, now: dt.datetime) -> Booked:
    booking, customer = plan.booking, plan.customer
    if known is not None and (known.expires_at is None or plan.expiry > known.expires_at):
        _quietly(refresh_expiry, booking.customer_id, now)  # older items of the customer follow the new date
    payment = None
    if booking.status == "awaiting_payment":
        from . import payments  # stripe is imported only where payments happen (cold start)

        try:
            payment = payments.start_payment(booking)
        except Exception:
            # Nobody can pay a hold without its PaymentIntent: give the time back at once rather
            # than block it for hold_minutes (a retry would get 409 for its own time), then fail.
            _quietly(_cancel, clinic, booking, now)
            raise
        if payment is not None:
            booking.payment_intent_id = payment.payment_intent_id
            booking.update(actions=[Booking.payment_intent_id.set(payment.payment_intent_id)],
                           condition=Booking.status == "awaiting_payment")
    else:
        # A returning customer's copy here does not know their channels: the mail reads the profile
        # when it must decide whether to ask for the marketing confirmation.
        asks = known is not None and booking.marketing_requested
        send_confirmation(booking, now, customer=None if asks else customer)
    return Booked(booking, customer, payment)


def _quietly(action: Callable[..., Any], *args: Any) -> None:
    """Work that follows a committed booking must not turn its 201 into a 500: log and go on."""
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - the booking stands; the log says what did not follow it
        log.exception("after a committed booking change: %s failed", getattr(action, "__name__", action))


# --- links and e-mails about a booking ---------------------------------------------------------------


def manage_url(booking: Booking, customer: Customer) -> str:
    """The manage page, with a token for this booking that expires when the appointment starts."""
    token = links.issue(customer.customer_id, "booking", int(customer.link_generation), booking.start,
                        booking_id=booking.booking_id)
    return links.page_url("manage", token, customer.language, b=booking.booking_id)


def facts(booking: Booking, customer: Customer, clinic: Clinic, with_link: bool, *, confirming: bool = False,
          now: dt.datetime | None = None) -> Any:
    """What a booking e-mail says; ``confirming`` adds the link that confirms the offers ticked."""
    from .messages.booking_mail import BookingFacts

    asked = marketing.to_ask(booking, customer) if confirming and now is not None else ()
    service = clinic.service(booking.service_id)
    staff = clinic.staff_member(booking.staff_id)
    language = customer.language or booking.language
    return BookingFacts(
        booking_id=booking.booking_id, name=customer.name, language=language,
        service=service.name.get(language) if service else booking.service_id,
        staff=staff.name if staff else booking.staff_id, start=booking.start, end=booking.end,
        price_sek=int(booking.price_sek or 0), paid_sek=int(booking.paid_sek or 0), note=booking.note,
        manage_url=manage_url(booking, customer) if with_link else None,
        marketing_channels=asked, marketing_url=marketing.confirm_url(customer, asked, now) if asked and now else None,
        change_until=change_until(clinic, booking),
        sequence=int((booking.updated_at or booking.created_at).timestamp()) - int(booking.created_at.timestamp()),
    )


def send_booking_mail(kind: str, booking: Booking, now: dt.datetime, customer: Customer | None = None,
                      refund_sek: int | None = None) -> None:
    """confirmation | reschedule | cancellation | reminder, in the customer's language."""
    from . import messages
    from .messages.booking_mail import compose

    clinic = clinic_module.current()
    customer = customer or customers.get(booking.customer_id, now)
    if customer is None:
        return  # erased meanwhile: nobody to write to
    mail = compose(kind, facts(booking, customer, clinic, with_link=kind != "cancellation",
                               confirming=kind == "confirmation", now=now), now=now, refund_sek=refund_sek)
    messages.send_email(customer, kind, mail.subject, mail.text, mail.html, mail.attachments,
                        booking_id=booking.booking_id, now=now)


def send_confirmation(booking: Booking, now: dt.datetime, customer: Customer | None = None) -> None:
    """The confirmation e-mail with the .ics and the manage link (also after a payment, by webhooks)."""
    _quietly(send_booking_mail, "confirmation", booking, now, customer)


# --- with the link: read, move, cancel -------------------------------------------------------------------


def load(customer_id: str, booking_id: str, now: dt.datetime) -> Booking:
    try:
        booking = Booking.get(*Booking.key(customer_id, booking_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound() from None
    if not booking.is_live(now):
        raise NotFound()
    return booking


def for_link(token: str, booking_id: str, now: dt.datetime) -> tuple[Customer, Booking]:
    """The booking a link may open: its own (booking link) or any of the customer's (data link)."""
    claims = links.verify(token, ("booking", "data"), now)
    customer = customers.from_link(claims, now)
    if claims.purpose == "booking" and claims.booking_id != booking_id:
        raise NotFound()
    return customer, load(customer.customer_id, booking_id, now)


def _too_late(clinic: Clinic, booking: Booking, now: dt.datetime) -> bool:
    return now > change_until(clinic, booking)


def reschedule(customer: Customer, booking: Booking, new_start: dt.datetime, staff_id: str | None, now: dt.datetime,
               clinic: Clinic | None = None) -> Booking:
    """Move a confirmed booking to another free time (409 ``slot_taken`` / ``too_late``)."""
    clinic = clinic or clinic_module.current()
    service = clinic.service(booking.service_id)
    if service is None:
        raise Conflict()
    if booking.status != "confirmed":
        raise Conflict()
    if _too_late(clinic, booking, now):
        raise Conflict("too_late")
    problem = availability.check_start(clinic, service, new_start, now)
    if problem:
        raise Invalid(fields={"start": problem})
    if new_start == booking.start and staff_id in (None, booking.staff_id):
        return booking
    candidates = [staff_id] if staff_id else [booking.staff_id] + [s for s in service.staff if s != booking.staff_id]
    old_units = set(availability.units_from(clinic, booking.start, int(booking.locked_units)))
    new_units = availability.units(clinic, service, new_start)
    new_end = new_start + dt.timedelta(minutes=service.duration_minutes)
    expiry = max(booking.expires_at or now, retention.customer_expiry([(new_start, False)], now))
    taken: set[str] = set()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        target = next((s for s in candidates if s not in taken), None)
        if target is None:
            break
        tx = _Tx()
        shared = old_units & set(new_units) if target == booking.staff_id else set()
        for unit in sorted(old_units - shared):
            tx.delete("old_lock", SlotLock(*SlotLock.key(booking.staff_id, unit)), lock_ours(booking.booking_id))
        for unit in sorted(shared):
            tx.check("old_lock", SlotLock, SlotLock.key(target, unit), lock_ours(booking.booking_id))
        for unit in new_units:
            if unit not in shared:
                tx.put("lock", lock_item(target, unit, booking.booking_id, None, new_end + LOCK_KEEP), lock_free(now))
        day_pk, day_sk = _day_keys(clinic, new_start, booking.booking_id)
        tx.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)), [
            Booking.start.set(new_start), Booking.end.set(new_end), Booking.staff_id.set(target),
            Booking.locked_units.set(len(new_units)), Booking.gsi1pk.set(day_pk), Booking.gsi1sk.set(day_sk),
            Booking.updated_at.set(now), Booking.reminder_sent_at.remove(), Booking.expires_at.set(expiry),
        ], (Booking.status == "confirmed") & (Booking.start == booking.start) & (Booking.staff_id == booking.staff_id))
        failed = tx.commit()
        if failed is None:
            moved = Booking.from_raw_data(booking.serialize())  # as written: no read after the write
            moved.start, moved.end, moved.staff_id, moved.locked_units = new_start, new_end, target, len(new_units)
            moved.gsi1pk, moved.gsi1sk, moved.updated_at, moved.reminder_sent_at = day_pk, day_sk, now, None
            moved.expires_at = expiry
            _quietly(send_booking_mail, "reschedule", moved, now, customer)
            _quietly(refresh_expiry, booking.customer_id, now)  # after the mail: its Message record moves too
            return moved
        if CCF in failed.get("booking", ()) or CCF in failed.get("old_lock", ()):
            raise Conflict()  # changed meanwhile (moved or cancelled from another tab)
        if CCF in failed.get("lock", ()):
            taken.add(target)
            continue
        _backoff(attempt)
    raise Conflict("slot_taken")


@dataclass
class Cancelled:
    booking: Booking
    refund: Any | None = None  # payments.RefundResult


def cancel(customer: Customer, booking: Booking, now: dt.datetime, clinic: Clinic | None = None) -> Cancelled:
    """Cancel and free the time at once; the prepayment goes back through payments (409 ``too_late``)."""
    clinic = clinic or clinic_module.current()
    if booking.status == "confirmed" and _too_late(clinic, booking, now):
        raise Conflict("too_late")
    return _cancel(clinic, booking, now, customer=customer, follow_up=True)


def cancel_for_erasure(booking: Booking, now: dt.datetime) -> Cancelled:
    """Erasure's cancel (rights): any time before the end, no e-mail, no expiry update
    (the whole partition goes next); the time is freed and the refund follows the payment rules."""
    return _cancel(clinic_module.current(), booking, now, customer=None, follow_up=False)


def _cancel(clinic: Clinic, booking: Booking, now: dt.datetime, *, customer: Customer | None = None,
            follow_up: bool = False) -> Cancelled:
    if booking.status == "cancelled":
        return Cancelled(booking)  # a second click changes nothing
    if booking.status not in ("confirmed", "awaiting_payment"):
        raise Conflict()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # A lapsed hold may already belong to somebody else: its units are not ours to delete.
        holds = booking.status == "confirmed" or (booking.hold_until is not None and booking.hold_until > now)
        tx = _Tx()
        if holds:
            for unit in availability.units_from(clinic, booking.start, int(booking.locked_units)):
                tx.delete("lock", SlotLock(*SlotLock.key(booking.staff_id, unit)), lock_ours(booking.booking_id))
        tx.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)), [
            Booking.status.set("cancelled"), Booking.cancelled_at.set(now), Booking.updated_at.set(now),
            Booking.hold_until.remove(),
        ], (Booking.status == booking.status) & (Booking.start == booking.start))
        failed = tx.commit()
        if failed is None:
            break
        if failed.get("booking") or CCF in failed.get("lock", ()):
            booking = load(booking.customer_id, booking.booking_id, now)  # changed meanwhile: decide again
            if booking.status == "cancelled":
                return Cancelled(booking)
            if booking.status not in ("confirmed", "awaiting_payment"):
                raise Conflict()
            continue
        _backoff(attempt)
    else:
        raise Conflict()
    was_confirmed = booking.status == "confirmed"
    cancelled = Booking.from_raw_data(booking.serialize())  # as written: no read after the write
    cancelled.status, cancelled.cancelled_at, cancelled.updated_at, cancelled.hold_until = "cancelled", now, now, None
    refund = None
    if cancelled.payment_intent_id:
        from . import payments  # stripe is imported only where payments happen (cold start)

        refund = payments.refund_on_cancel(cancelled, now)
    if not follow_up:
        return Cancelled(cancelled, refund)
    if was_confirmed:
        refunded = int(getattr(refund, "amount_sek", 0) or 0) or None
        _quietly(send_booking_mail, "cancellation", cancelled, now, customer, refunded)
    _quietly(refresh_expiry, booking.customer_id, now)  # after the mail: its Message record moves too
    return Cancelled(cancelled, refund)


# --- payments' side -------------------------------------------------------------------------------------------


def confirm_payment(customer_id: str, booking_id: str, payment_intent_id: str, amount_sek: int,
                    now: dt.datetime) -> Booking | None:
    """Turn a paid hold into a confirmed booking in one transaction; None when the hold was lost.

    Conditions: the booking is awaiting_payment with this intent, and every lock
    still names it (a lapsed hold is kept if nobody took its time meanwhile).
    """
    try:
        booking = Booking.get(*Booking.key(customer_id, booking_id), consistent_read=True)
    except DoesNotExist:
        return None
    if not booking.is_live(now) or booking.status != "awaiting_payment" or booking.payment_intent_id != payment_intent_id:
        return None
    clinic = clinic_module.current()
    tx = _Tx()
    for unit in availability.units_from(clinic, booking.start, int(booking.locked_units)):
        tx.update("lock", SlotLock(*SlotLock.key(booking.staff_id, unit)), [SlotLock.hold_until.remove()],
                  lock_ours(booking_id))
    tx.update("booking", Booking(*Booking.key(customer_id, booking_id)), [
        Booking.status.set("confirmed"), Booking.paid_sek.set(int(amount_sek)), Booking.hold_until.remove(),
        Booking.updated_at.set(now),
    ], (Booking.status == "awaiting_payment") & (Booking.payment_intent_id == payment_intent_id))
    if tx.commit() is not None:
        return None
    confirmed = load(customer_id, booking_id, now)
    _quietly(refresh_expiry, customer_id, now)
    return confirmed


def mark_reminded(booking: Booking, now: dt.datetime) -> bool:
    """Claim the reminder of a booking; False when it was sent (or the booking changed) meanwhile."""
    try:
        booking.update(actions=[Booking.reminder_sent_at.set(now)],
                       condition=Booking.reminder_sent_at.does_not_exist() & (Booking.status == "confirmed")
                       & (Booking.start == booking.start))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def bookings_on(day_key: str, low: str, high: str, now: dt.datetime) -> list[Booking]:
    """Bookings of one Stockholm day starting between two gsi1 sort keys (pattern 6)."""
    found = Item.by_gsi1.query(day_key, Item.gsi1sk.between(low, high), filter_condition=live(now))
    return [item for item in found if isinstance(item, Booking)]

