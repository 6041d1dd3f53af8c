"""The clinic hears of every new, moved and cancelled booking: an e-mail to the staff member and to the
clinic's address, with the customer's own note ("Meddelande till oss") and a link to the booking in
the back office. Online bookings and bookings by staff come through here alike (``notify``).

In Swedish (the clinic's language). The customer's words are escaped by ``layout``. Sent through the
transport in force (the outbox locally, SES in AWS) under the customer's id, so that an erasure also
removes the local copies; nothing is recorded in the customer's partition (it is no message to them).
"""

from __future__ import annotations

import datetime as dt
import email.policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from .. import messages
from ..core import clinic as clinic_module
from ..core import settings
from ..messages import layout
from ..messages.dates import when
from ..store.models import Booking, Customer

POLICY = email.policy.SMTPUTF8.clone(max_line_length=998)

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


def send_internal(address: str, subject: str, text: str, markup: str, owner_id: str, now: dt.datetime) -> str:
    """One e-mail to somebody at the clinic (no customer's footer, nothing recorded). ``owner_id`` names
    the transport's copy: the customer's id when the mail holds their data (erasure removes it)."""
    about = clinic_module.current()
    footer = layout.footer(f"{about.name}, {about.organisation}: meddelande från bokningssystemet", [],
                           "Ett meddelande till kliniken, inte till kunden.")
    message = EmailMessage(policy=POLICY)
    message["From"] = Address(f"{about.name} bokning", addr_spec=about.sender)
    message["To"] = address
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=about.sender.rpartition("@")[2] or "allavie.local")
    message["Content-Language"] = "sv"
    message.set_content(text)
    message.add_alternative(layout.document(language="sv", title=subject, clinic=about.name, body=markup,
                                            footer_html=footer), subtype="html")
    return messages.transport().send_email(message, owner_id)


def notify_clinic(kind: str, booking: Booking, customer: Customer, now: dt.datetime) -> int:
    """Send the notice to each recipient; returns how many were sent."""
    subject, text, markup = compose(kind, booking, customer)
    sent = 0
    for address in recipients(booking):
        send_internal(address, subject, text, markup, booking.customer_id, now)
        sent += 1
    return sent
