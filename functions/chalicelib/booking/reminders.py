"""Reminders, 24 hours (``booking.reminder_hours``) before each appointment.

Run every hour by a scheduled function (routes/booking.py). Bookings are
found through gsi1 (``CAL#<Stockholm month>``, sorted by start: one Query per
month the window touches, never a Scan). Each reminder is claimed with a
conditional write of ``reminder_sent_at`` in the same transaction that queues
the reminder in the outbox, so overlapping or repeated runs never send a second one. By SMS when the customer chose SMS
and has a phone number, else by e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging

from .. import messages
from ..core import clinic as clinic_module
from ..store import lookups
from ..store.errors import ConditionFailed
from ..store.models import Booking, Message
from ..store.tx import Tx
from .locks import bookings_between
from .mail import reminder_sms
from .notify import booking_mail, facts

log = logging.getLogger(__name__)


def due(now: dt.datetime) -> list[Booking]:
    """Confirmed bookings starting within the reminder window that have had no reminder."""
    clinic = clinic_module.current()
    until = now + dt.timedelta(hours=clinic.rules.reminder_hours)
    found = [b for b in bookings_between(clinic, now, until + dt.timedelta(minutes=1), now) if isinstance(b, Booking)]
    return [b for b in found if b.status == "confirmed" and b.reminder_sent_at is None and now < b.start <= until]


def send_due(now: dt.datetime) -> int:
    """Queue every reminder that is due; returns how many were queued."""
    sent = 0
    for booking in due(now):
        customer = lookups.profile(booking.customer_id, now)
        if customer is None:
            continue
        try:
            if customer.phone and (booking.reminder_channel == "sms" or not customer.email):
                said = facts(booking, customer, clinic_module.current(), with_link=False)
                message = messages.sms(customer, "reminder", reminder_sms(said), booking.booking_id, now=now)
            else:
                message = booking_mail("reminder", booking, customer, now)
            if mark_reminded(booking, now, message):
                sent += 1
        except Exception:  # noqa: BLE001 - one failed reminder must not stop the others
            log.exception("reminder for booking %s failed", booking.booking_id)
    return sent


def mark_reminded(booking: Booking, now: dt.datetime, message: Message | None = None) -> bool:
    """Claim the reminder of a booking and queue ``message`` with it; False when it was sent (or the
    booking changed) meanwhile, and then nothing is queued."""
    claim = Tx()
    claim.update("booking", booking, [Booking.reminder_sent_at.set(now)],
                 Booking.reminder_sent_at.does_not_exist() & (Booking.status == "confirmed")
                 & (Booking.start == booking.start))
    messages.add(claim, message)
    try:
        claim.commit()
    except ConditionFailed:
        return False
    return True


