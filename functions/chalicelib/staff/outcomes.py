"""What happened at a booking, recorded by staff after its start: ``completed`` or ``no_show``.

The booking's status becomes the outcome (a customer's /me shows it), and the customer's profile
counts their no-shows (``no_shows``), in the same transaction, so the count shown the next time staff
book for them is never off. An outcome can be corrected (a wrong click): the count follows.
"""

from __future__ import annotations

import datetime as dt

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
    change = Tx()
    change.update("booking", Booking(*Booking.key(booking.customer_id, booking.booking_id)), [
        Booking.status.set(outcome), Booking.outcome.set(outcome), Booking.outcome_by.set(user.id),
        Booking.outcome_at.set(now), Booking.updated_at.set(now),
    ], (Booking.status == booking.status) & (Booking.start == booking.start))
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
