"""The clinic hears of every new, moved and cancelled booking: an e-mail to the staff member and to the
clinic's address, with the customer's own note ("Meddelande till oss") and a link to the booking in
the back office. Online bookings and bookings by staff come through here alike: the notices are
queued outbox Messages written in the transaction of the change (``take``, ``change``, ``paid``).

In Swedish (the clinic's language). The customer's words are escaped by ``layout``. The Messages live
in the customer's partition with their expiry (they carry the customer's name and note): erased and
expired with them, listed in their export.
"""

from __future__ import annotations

import datetime as dt

from .. import messages
from ..core import clinic as clinic_module
from ..core import settings
from ..messages import layout
from ..messages.dates import when
from ..store import outbox_repo
from ..store.models import Booking, Customer, Message

HEADINGS = {"confirmation": "Ny bokning", "reschedule": "Flyttad bokning", "cancellation": "Avbokad"}


def back_office_url(booking: Booking) -> str:
    """The booking in the back office (the staff member signs in first)."""
    return f"{settings.get().site_url}/personal/#b={booking.booking_id}&c={booking.customer_id}"


def recipients(booking: Booking) -> list[str]:
    """The staff member's address and the clinic's, once each."""
    about = clinic_module.current()
    member = about.staff_member(booking.staff_id)
    found = [member.email] if member is not None and member.email else []
    if about.emails and about.emails[0] not in found:
        found.append(about.emails[0])
    return found


def compose(kind: str, booking: Booking, customer: Customer) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice about one booking."""
    about = clinic_module.current()
    service = about.service(booking.service_id)
    member = about.staff_member(booking.staff_id)
    booker = about.staff_member(booking.booked_by) if booking.booked_by else None
    heading = HEADINGS.get(kind, "Bokning")
    treatment = service.name.sv if service else booking.service_id
    staff_name = member.name if member else booking.staff_id
    moment = when(booking.start, booking.end, "sv")
    rows = [("Behandling", treatment), ("Tid", moment), ("Behandlare", staff_name), ("Kund", customer.name or "–"),
            ("Bokad av", booker.name if booker else "kunden på webbplatsen")]
    subject = f"{heading}: {treatment} {when(booking.start, None, 'sv')} ({staff_name})"
    url = back_office_url(booking)
    text = [f"{heading}", ""] + [f"{label}: {value}" for label, value in rows]
    markup = [layout.heading(heading), layout.facts(rows)]
    if booking.note:
        text += ["", "Kundens meddelande till oss:", booking.note]
        markup.append(layout.note("Kundens meddelande till oss", booking.note))
    text += ["", f"Öppna bokningen: {url}"]
    markup.append(layout.button(url, "Öppna bokningen"))
    return subject, "\n".join(text) + "\n", "".join(markup)


def clinic_notices(kind: str, booking: Booking, customer: Customer, now: dt.datetime) -> list[Message]:
    """The notices of one change (confirmation | reschedule | cancellation), one per recipient, to queue."""
    subject, text, markup = compose(kind, booking, customer)
    return [messages.clinic_email(address, "clinic_notice", subject, text, markup, now=now,
                                  owner_pk=outbox_repo.customer_owner(booking.customer_id), expires=customer.expires_at,
                                  booking_id=booking.booking_id)
            for address in recipients(booking)]
