"""Treatments under lag (2021:363) om estetiska kirurgiska ingrepp och estetiska injektionsbehandlingar.

The rule of the betänketid: a treatment marked ``regulated`` in the clinic file may be booked for a
customer (by e-mail address) who has its consultation (``requires``), booked or completed, on a
Stockholm date at least two calendar days before the treatment's date (a consultation on Monday
allows the treatment from Wednesday), or who had a treatment of the same kind completed within the
six months before it (a repeat needs no new betänketid). Before the treatment is completed, a
licensed practitioner confirms that age was checked against ID and that consent was given after
the betänketid; both are recorded with who and when.

The rule itself is pure (the customer's bookings and ``now`` are given); ``confirm_before_completion``
reads the customer's partition once and writes the confirmations on a condition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from ..core import clinic as clinic_module
from ..core.clinic import Clinic, Service, Staff
from ..core.errors import ApiError, Conflict, Invalid
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking
from ..store.table import Condition
from ..store.tx import update

BETANKETID_DAYS = 2      # lag (2021:363) 8 §: at least two days between the consultation and the treatment
REPEAT_MONTHS = 6        # a repeat of the same kind within six months needs no new betänketid
BOOKED = ("confirmed", "completed")  # a consultation that counts; an unpaid hold or a cancelled one does not
OPEN = ("awaiting_payment", "confirmed")  # a treatment booking that is still to come


@dataclass(frozen=True)
class Basis:
    """What allows a regulated booking: a consultation, or a completed treatment of the same kind."""

    kind: str  # consultation | repeat
    booking_id: str
    start: dt.datetime
    status: str


def day_of(clinic: Clinic, moment: dt.datetime) -> dt.date:
    return moment.astimezone(clinic.tz).date()


def completed(booking: Booking) -> bool:
    """Completed by the clinic (the back office records ``completed`` as status or as outcome)."""
    return booking.status == "completed" or getattr(booking, "outcome", None) == "completed"


def _counts_as_consultation(booking: Booking, consultation_id: str) -> bool:
    return (booking.service_id == consultation_id and booking.status in BOOKED
            and getattr(booking, "outcome", None) != "no_show")


def basis(clinic: Clinic, service: Service, start: dt.datetime, bookings: Iterable[Booking],
          exclude: str | None = None) -> Basis | None:
    """What allows booking ``service`` at ``start`` for the customer whose ``bookings`` these are, or None.

    A completed treatment of the same kind comes first, then a completed consultation, then a booked
    one: what has happened cannot be cancelled any more.
    """
    day = day_of(clinic, start)
    repeats: list[Booking] = []
    done: list[Booking] = []
    booked: list[Booking] = []
    for booking in bookings:
        if booking.booking_id == exclude:
            continue
        if (booking.service_id == service.id and completed(booking) and booking.start < start
                and day <= day_of(clinic, booking.start) + relativedelta(months=REPEAT_MONTHS)):
            repeats.append(booking)
        elif (service.requires and _counts_as_consultation(booking, service.requires)
              and day_of(clinic, booking.start) + dt.timedelta(days=BETANKETID_DAYS) <= day):
            (done if completed(booking) else booked).append(booking)
    for kind, found in (("repeat", repeats), ("consultation", done), ("consultation", booked)):
        if found:
            chosen = max(found, key=lambda b: b.start)
            return Basis(kind, chosen.booking_id, chosen.start, chosen.status)
    return None


def earliest_after_own(clinic: Clinic, service: Service, bookings: Iterable[Booking],
                       exclude: str | None = None) -> dt.date | None:
    """Two days after the customer's first consultation for ``service`` that counts, if they have one."""
    days = [day_of(clinic, b.start) for b in bookings
            if b.booking_id != exclude and service.requires and _counts_as_consultation(b, service.requires)]
    return min(days) + dt.timedelta(days=BETANKETID_DAYS) if days else None


def betanketid_ends(clinic: Clinic, consultation_start: dt.datetime) -> dt.datetime:
    """The first instant of the day two calendar days after the consultation's (Stockholm)."""
    day = day_of(clinic, consultation_start) + dt.timedelta(days=BETANKETID_DAYS)
    return dt.datetime.combine(day, dt.time(0), clinic.tz).astimezone(dt.timezone.utc)


def regulated_service(clinic: Clinic, booking: Booking) -> Service | None:
    service = clinic.service(booking.service_id)
    return service if service is not None and service.regulated else None


def licensed(staff_member: Staff | None) -> bool:
    return staff_member is not None and staff_member.legitimation is not None


# --- before the treatment is completed --------------------------------------------------------------


def check_confirmation(clinic: Clinic, booking: Booking, staff_member: Staff | None, age_checked: object,
                       consent_after_betanketid: object, bookings: Iterable[Booking], now: dt.datetime) -> Basis:
    """Whether the practitioner may record both confirmations now; the basis they rest on. Pure.

    403 ``licence_required`` for staff without a licence; 400 unless both are ``true``; 409 when the
    booking is no regulated treatment to come, when nothing allows it (``consultation_required``), or
    when the betänketid after its consultation has not ended yet (``betanketid_not_over``).
    """
    if not licensed(staff_member):
        raise ApiError("licence_required", status=403)
    bad = {name: "must_be_true" for name, value in
           (("age_checked", age_checked), ("consent_after_betanketid", consent_after_betanketid)) if value is not True}
    if bad:
        raise Invalid(fields=bad)
    service = regulated_service(clinic, booking)
    if service is None:
        raise Conflict("not_regulated")
    if booking.status != "confirmed":
        raise Conflict()
    everything = list(bookings)
    found = basis(clinic, service, booking.start, everything, exclude=booking.booking_id)
    if found is None:
        earliest = earliest_after_own(clinic, service, everything, exclude=booking.booking_id)
        raise Conflict("consultation_required", extra={"earliest": earliest.isoformat()} if earliest else None)
    if found.kind == "consultation":
        ends = betanketid_ends(clinic, found.start)
        if now < ends:
            raise Conflict("betanketid_not_over", extra={"earliest": day_of(clinic, ends).isoformat()})
    return found


def confirm_before_completion(booking: Booking, staff_member: Staff | None, age_checked: object,
                              consent_after_betanketid: object, now: dt.datetime,
                              clinic: Clinic | None = None) -> Booking:
    """Record that age was checked against ID and that consent came after the betänketid, by whom and
    when: one Query of the customer's partition, then one conditional update (the booking unchanged
    since it was read). Recorded once: a second call answers the booking as it is."""
    clinic = clinic or clinic_module.current()
    if booking.consent_at is not None and booking.age_checked_at is not None:
        return booking
    bookings = [item for item in lookups.partition(booking.customer_id, now) if isinstance(item, Booking)]
    current = next((b for b in bookings if b.booking_id == booking.booking_id), None)
    if current is None:
        raise Conflict()
    check_confirmation(clinic, current, staff_member, age_checked, consent_after_betanketid, bookings, now)
    assert staff_member is not None
    try:
        update(current, [Booking.age_checked_by.set(staff_member.id), Booking.age_checked_at.set(now),
                         Booking.consent_by.set(staff_member.id), Booking.consent_at.set(now),
                         Booking.updated_at.set(now)],
               (Booking.status == "confirmed") & (Booking.start == current.start) & Booking.consent_at.does_not_exist())
    except ConditionFailed:
        raise Conflict() from None  # moved, cancelled or confirmed by somebody else meanwhile
    return current


def completion_condition(booking: Booking, clinic: Clinic | None = None) -> Condition | None:
    """For the write that records ``completed`` (the back office's outcome): the condition that both
    confirmations are stored and no flag is, so that a check before the write cannot be outrun; None
    for a treatment the law does not cover."""
    clinic = clinic or clinic_module.current()
    if regulated_service(clinic, booking) is None:
        return None
    return Booking.age_checked_at.exists() & Booking.consent_at.exists() & Booking.flag.does_not_exist()


def completion_blocker(booking: Booking, clinic: Clinic | None = None) -> str | None:
    """Why the outcome ``completed`` may not be recorded yet: ``confirmation_required`` for a regulated
    treatment without both confirmations, ``consultation_required`` while it is flagged; else None."""
    clinic = clinic or clinic_module.current()
    if regulated_service(clinic, booking) is None:
        return None
    if booking.flag:
        return "consultation_required"
    if booking.age_checked_at is None or booking.consent_at is None:
        return "confirmation_required"
    return None
