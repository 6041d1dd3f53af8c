"""Personal offers after a visit (the clinic file's ``follow_ups`` of a treatment: "a peel again after six
weeks"), once per visit and channel, to the customers whose consent is on for that channel.

Run once a day (routes/offers.py, ``send_follow_ups``). A visit is a booking of the treatment that was
completed (or confirmed and over: staff may not have marked it); it is due ``after_days`` after its
Stockholm day and stays due ``offers.catch_up_days`` longer, so a day the run missed (an outage) still
sends it. Visits are found through gsi1 (``CAL#<month>``, one Query per month the window touches, never a
Scan); each message is recorded as an ``OfferDelivery`` ``FOLLOWUP#<booking>#<follow-up>#<channel>`` with
``attribute_not_exists`` in the transaction that queues it (``marketing.sender.deliver``), so repeated
or overlapping runs send nothing twice. Nobody who has booked the treatment again since gets it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from ..core import clinic as clinic_module
from ..core.clinic import Clinic, FollowUp, Service
from ..marketing.offer_mail import Content
from ..marketing.sender import deliver
from ..store import lookups
from ..store.models import Booking, Customer, OfferDelivery
from .locks import bookings_between

log = logging.getLogger(__name__)

VISITED = ("completed", "confirmed")


def due_window(today: dt.date, after_days: int, catch_up_days: int) -> tuple[dt.date, dt.date]:
    """The visit days (first, last) whose follow-up is due ``today``."""
    return today - dt.timedelta(days=after_days + catch_up_days), today - dt.timedelta(days=after_days)


def is_due(visit_day: dt.date, today: dt.date, after_days: int, catch_up_days: int) -> bool:
    first, last = due_window(today, after_days, catch_up_days)
    return first <= visit_day <= last


def was_visit(booking: Booking, now: dt.datetime) -> bool:
    """Completed, or confirmed and over (not cancelled, not a no-show, not an unpaid hold)."""
    return booking.status == "completed" or (booking.status == "confirmed" and booking.end <= now)


def booked_again(booking: Booking, partition: list[object]) -> bool:
    """The customer has another booking of the treatment after this visit (kept, not cancelled)."""
    return any(isinstance(other, Booking) and other.booking_id != booking.booking_id
               and other.service_id == booking.service_id and other.start > booking.start
               and other.status in ("awaiting_payment", "confirmed", "completed") for other in partition)


@dataclass
class Sent:
    visits: int = 0
    messages: int = 0


def _visits(clinic: Clinic, service: Service, follow_up: FollowUp, today: dt.date, now: dt.datetime) -> list[Booking]:
    first, last = due_window(today, follow_up.after_days, clinic.offers.catch_up_days)
    begin = dt.datetime.combine(first, dt.time(0), clinic.tz).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), clinic.tz).astimezone(dt.timezone.utc)
    found = [b for b in bookings_between(clinic, begin, end, now) if isinstance(b, Booking)]
    return [b for b in found if b.service_id == service.id and was_visit(b, now)
            and is_due(b.start.astimezone(clinic.tz).date(), today, follow_up.after_days, clinic.offers.catch_up_days)]


def send_due(now: dt.datetime) -> Sent:
    """Queue every follow-up due today (Stockholm) that has not gone out; returns what was done."""
    clinic = clinic_module.current()
    today = now.astimezone(clinic.tz).date()
    done = Sent()
    for service in clinic.services:
        for follow_up in service.follow_ups:
            for booking in _visits(clinic, service, follow_up, today, now):
                try:
                    done.messages += _follow(booking, service, follow_up, now)
                    done.visits += 1
                except Exception:  # noqa: BLE001 - one customer's failure must not stop the others
                    log.exception("follow-up %s of booking %s failed", follow_up.id, booking.booking_id)
    return done


def _follow(booking: Booking, service: Service, follow_up: FollowUp, now: dt.datetime) -> int:
    partition = lookups.partition(booking.customer_id, now)
    customer = next((i for i in partition if isinstance(i, Customer)), None)
    if customer is None or booked_again(booking, list(partition)):
        return 0
    language = "en" if customer.language == "en" else "sv"
    subject = follow_up.subject.get(language) if follow_up.subject else service.name.get(language)
    content = Content(subject, follow_up.text.get(language), service.id)
    written = 0
    for channel in follow_up.channels:
        delivery = OfferDelivery(
            *OfferDelivery.follow_up_key(customer.customer_id, booking.booking_id, follow_up.id, channel),
            channel=channel, message_id="", at=now, subject=subject, booking_id=booking.booking_id,
            follow_up=follow_up.id, expires_at=customer.expires_at)
        if deliver(customer, channel, delivery, content, "follow_up", now):
            written += 1
    return written
