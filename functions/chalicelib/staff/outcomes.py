"""What happened at a booking, recorded by staff after its start: ``completed`` or ``no_show``.

The booking's status becomes the outcome (a customer's /me shows it), and the customer's profile
counts their no-shows (``no_shows``), in the same transaction, so the count shown the next time staff
book for them is never off. An outcome can be corrected (a wrong click): the count follows.
A treatment under lag (2021:363) is ``completed`` only once a licensed practitioner has confirmed age
and consent and no flag stands (``booking.regulated``): checked first, and again as the write's condition.
"""

from __future__ import annotations

import datetime as dt

from ..booking import regulated
from ..core.errors import Conflict
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, Customer
from ..store.tx import Tx
from .sessions import StaffUser

OUTCOMES = ("completed", "no_show")
MARKABLE = ("confirmed", "completed", "no_show")


def mark(user: StaffUser, booking: Booking, outcome: str, now: dt.datetime) -> Booking:
    """Record the outcome; 409 ``too_early`` before the start, 409 for a cancelled or unpaid booking."""
    if now < booking.start:
        raise Conflict("too_early")
    if booking.status not in MARKABLE:
        raise Conflict()
    if booking.outcome == outcome:
        return booking
    condition = (Booking.status == booking.status) & (Booking.start == booking.start)
    if outcome == "completed":
        blocker = regulated.completion_blocker(booking)
        if blocker:
            raise Conflict(blocker)
        required = regulated.completion_condition(booking)
        if required is not None:
            condition &= required  # a flag or a withdrawn confirmation meanwhile cannot be outrun
    change = Tx()
    change.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)), [
        Booking.status.set(outcome), Booking.outcome.set(outcome), Booking.outcome_by.set(user.id),
        Booking.outcome_at.set(now), Booking.updated_at.set(now),
    ], condition)
    delta = (outcome == "no_show") - (booking.outcome == "no_show")
    if delta:
        change.update("customer", Customer(*Customer.key(booking.customer_id)), [Customer.no_shows.add(delta)],
                      Customer.pk.exists())
    try:
        change.commit()
    except ConditionFailed:
        raise Conflict() from None  # changed meanwhile, or the customer is gone
    marked = lookups.booking(booking.customer_id, booking.booking_id, now)
    if marked is None:
        raise Conflict()
    return marked
