"""What a booking tells its customer: the manage link, and the e-mails about it (each one a
queued Message written in the transaction of the change it tells about).

Work that follows a committed booking change must not turn its answer into a
500: ``quietly`` logs what did not follow and lets the change stand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from .. import messages
from ..core import clinic as clinic_module
from ..core.clinic import Clinic
from ..links import tokens, urls
from ..marketing import double_opt_in
from ..store.models import Booking, Customer, Message
from .clinic_notice import clinic_notices
from .mail import BookingFacts, booking_sms, compose

__all__ = ["booking_mail", "clinic_notices", "facts", "manage_url", "quietly"]

log = logging.getLogger(__name__)


def quietly(action: Callable[..., Any], *args: Any) -> None:
    """Run what follows a committed change; a failure is logged, never answered."""
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - the change stands; the log says what did not follow it
        log.exception("after a committed booking change: %s failed", getattr(action, "__name__", action))


def manage_url(booking: Booking, customer: Customer) -> str:
    """The manage page, with a token for this booking that expires when the appointment starts."""
    token = tokens.issue(customer.customer_id, "booking", int(customer.link_generation), booking.start,
                         booking_id=booking.booking_id)
    return urls.page_url("manage", token, customer.language, b=booking.booking_id)


def facts(booking: Booking, customer: Customer, clinic: Clinic, with_link: bool, *, confirming: bool = False,
          now: dt.datetime | None = None) -> BookingFacts:
    """What a booking e-mail says; ``confirming`` adds the link that confirms the offers ticked."""
    asked = double_opt_in.to_ask(booking, customer) if confirming and now is not None else ()
    service = clinic.service(booking.service_id)
    staff = clinic.staff_member(booking.staff_id)
    language = customer.language or booking.language
    return BookingFacts(
        booking_id=booking.booking_id, name=customer.name, language=language,
        service=service.name.get(language) if service else booking.service_id,
        staff=staff.name if staff else booking.staff_id, start=booking.start, end=booking.end,
        price_sek=int(booking.price_sek or 0), paid_sek=int(booking.paid_sek or 0), note=booking.note,
        manage_url=manage_url(booking, customer) if with_link else None,
        marketing_channels=asked,
        marketing_url=double_opt_in.confirm_url(customer, asked, now) if asked and now else None,
        change_until=clinic.rules.change_until(booking.start),
        terms_url=urls.site_page("bokningsvillkor", language),
        sequence=int((booking.updated_at or booking.created_at).timestamp()) - int(booking.created_at.timestamp()),
    )


def booking_mail(kind: str, booking: Booking, customer: Customer, now: dt.datetime,
                 refund_sek: int | None = None, clinic_message: str | None = None) -> Message | None:
    """confirmation | reschedule | cancellation | reminder, in the customer's language, as a queued
    Message for the transaction of the change it tells about (``messages.add``); by SMS to a caller
    booked by staff without an e-mail address. ``clinic_message``: the clinic's own words (a
    cancellation by staff)."""
    clinic = clinic_module.current()
    if not customer.email:
        said = facts(booking, customer, clinic, with_link=False)
        return messages.sms(customer, kind, booking_sms(kind, said, clinic_message), booking.booking_id, now=now)
    mail = compose(kind, facts(booking, customer, clinic, with_link=kind != "cancellation",
                               confirming=kind == "confirmation", now=now), now=now, refund_sek=refund_sek,
                   clinic_message=clinic_message)
    return messages.email(customer, kind, mail.subject, mail.text, mail.html, mail.attachments,
                          booking_id=booking.booking_id, now=now)
