"""E-mails to people at the clinic (a staff member, the clinic's own address), through the same outbox.

No customer's footer, no links to anybody's data, no ``List-Unsubscribe``: these go to the clinic's own
mailboxes (a sign-in link, the notice of a new, moved or cancelled booking). The queued ``Message``
lives in the partition of what it is about: a notice about a booking in its customer's partition, with
their expiry (it holds their name and note: it is erased and expires with them, and their export lists
it); a staff member's sign-in link under ``STAFF#<id>`` for a day.
"""

from __future__ import annotations

import datetime as dt
import secrets
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..core import clinic
from ..store import outbox_repo
from ..store.models import Message
from ..store.outbox_repo import DUE
from . import addresses, layout
from .compose import ASCII_POLICY, UTF8_POLICY
from .outbox import QUEUED, SAFETY_NET, _stamp

FOOTER = "Ett meddelande från bokningssystemet till kliniken, inte till kunden."


def build(to: str, subject: str, text: str, html_body: str, *, now: dt.datetime) -> EmailMessage:
    """The whole e-mail to ``to``, in Swedish (the clinic's language), checked as every e-mail is."""
    about = clinic.current()
    message = EmailMessage(policy=ASCII_POLICY if to.isascii() else UTF8_POLICY)
    message["From"] = Address(about.name, addr_spec=about.sender)
    message["To"] = addresses.mailbox("", to)
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(now.astimezone(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=about.sender.rpartition("@")[2] or "allavie.local")
    message["Content-Language"] = "sv"
    who = f"{about.name}, {about.organisation}"
    message.set_content(text.rstrip("\n") + f"\n\n-- \n{who}. {FOOTER}\n")
    message.add_alternative(layout.document(language="sv", title=subject, clinic=about.name, body=html_body,
                                            footer_html=layout.footer(who, [], FOOTER)), subtype="html")
    addresses.check(message.as_bytes(), to)
    return message


def clinic_email(to: str, purpose: str, subject: str, text: str, html_body: str, *, now: dt.datetime,
                 owner_pk: str, expires: dt.datetime | None, booking_id: str | None = None) -> Message:
    """The e-mail as a queued Message under ``owner_pk`` (write it with ``messages.add`` or ``enqueue``)."""
    payload = build(to, subject, text, html_body, now=now).as_bytes().decode("utf-8")
    message_id = secrets.token_hex(8)
    first_retry = now + SAFETY_NET
    return Message(
        *Message.key_under(owner_pk, _stamp(now), message_id), message_id=message_id, channel="email", purpose=purpose,
        recipient=to, subject=subject, booking_id=booking_id, status=QUEUED, queued_at=now, payload=payload,
        attempts=0, next_attempt_at=first_retry, expires_at=expires, gsi1pk=DUE,
        gsi1sk=outbox_repo.due_index(first_retry, message_id)[1],
    )
