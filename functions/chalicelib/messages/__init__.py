"""Messages to customers, e-mail and SMS, through the outbox: nothing is sent inside a request.

The API (every sender in the code uses it; new kinds of message need nothing more):

``email(customer, purpose, subject, text, html, attachments=(), booking_id=None, *, now, to=None, confirmed=True)``
    the finished e-mail as a queued ``Message`` (nothing stored yet). ``html`` is a fragment built
    with ``layout`` (whose blocks escape); the layout, the footer with the links to the customer's
    data and preferences and the one-click ``List-Unsubscribe`` are added here. ``to`` sends to
    another address than the customer's; ``confirmed=False`` (an address the customer has not
    confirmed yet) leaves every link to the customer's data out.
``sms(customer, purpose, text, booking_id=None, *, now)``
    the finished SMS (ending with how to stop offers), or None when the customer has no number.
``add(tx, message)``
    write it in the same ``store.tx.Tx`` as the change that causes it: both or neither.
``enqueue(message)``
    write a message that is part of no other change.
``clinic_email(to, purpose, subject, text, html, *, now, owner_pk, expires)``
    an e-mail to somebody at the clinic (no customer's footer or links), queued under ``owner_pk``
    (``internal``: a booking's notice in its customer's partition, a staff member's sign-in link).
``send_email(...)`` / ``send_sms(...)``
    ``email``/``sms`` and ``enqueue`` in one call; ``marketing=True`` sends only to an opted-in channel.

The table's stream sends each queued message (``outbox.handle_records``, the Lambda
``send_messages``), a schedule retries failed sends with backoff (``outbox.send_due``), and what
fails every attempt is listed for the operator (``allavie messages failed`` / ``resend ID``).
Transports: files in ``OUTBOX_DIR`` locally, SES and SNS in AWS (``transports``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..core import clock
from ..store.models import Customer, Message
from . import layout
from .compose import Attachment, build_email, sms_text, unsubscribe_url
from .internal import clinic_email
from .outbox import add, enqueue, queued, transport

__all__ = ["Attachment", "add", "build_email", "clinic_email", "email", "enqueue", "erase_copies", "layout", "send_email",
           "send_sms", "sms", "unsubscribe_url"]


def email(customer: Customer, purpose: str, subject: str, text: str, html: str,
          attachments: Sequence[Attachment] = (), booking_id: str | None = None, *, now: dt.datetime,
          to: str | None = None, confirmed: bool = True) -> Message:
    """One e-mail, finished and checked (``addresses.check``), as a queued Message to write."""
    message = build_email(customer, subject, text, html, attachments, now=now, to=to, confirmed=confirmed)
    return queued(customer, "email", purpose, to or customer.email, message.as_bytes().decode("utf-8"), now=now,
                  subject=subject, booking_id=booking_id)


def sms(customer: Customer, purpose: str, text: str, booking_id: str | None = None, *,
        now: dt.datetime) -> Message | None:
    """One SMS to ``customer.phone`` as a queued Message, or None when there is no number."""
    if not customer.phone:
        return None
    return queued(customer, "sms", purpose, customer.phone, sms_text(customer, text, now), now=now,
                  booking_id=booking_id)


def send_email(customer: Customer, purpose: str, subject: str, text: str, html: str,
               attachments: Sequence[Attachment] = (), booking_id: str | None = None, marketing: bool = False,
               *, now: dt.datetime | None = None) -> Message | None:
    """Queue one e-mail on its own; marketing only to customers who opted in to e-mail (None otherwise)."""
    if marketing and not customer.marketing_email:
        return None
    return enqueue(email(customer, purpose, subject, text, html, attachments, booking_id, now=now or clock.now()))


def send_sms(customer: Customer, purpose: str, text: str, *, booking_id: str | None = None,
             marketing: bool = False, now: dt.datetime | None = None) -> Message | None:
    """Queue one SMS on its own; None when there is no number (or, for marketing, no opt-in)."""
    if marketing and not customer.marketing_sms:
        return None
    return enqueue(sms(customer, purpose, text, booking_id, now=now or clock.now()))


def erase_copies(customer_id: str) -> int:
    """Remove the copies a transport keeps of a customer's messages (the outbox's files)."""
    return transport().erase_copies(customer_id)
