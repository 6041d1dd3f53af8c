"""The customer's side of a complaint: file one about a booking that has taken place, and reply.

A booking has taken place once it has started and was not cancelled (a booking the clinic
marked as a no-show has not). One complaint per booking is open at a time: a second
matter about the same visit goes into the thread.
"""

from __future__ import annotations

import datetime as dt

from .. import messages
from ..core import ids
from ..core.errors import Conflict, NotFound
from ..store import tx
from ..store.errors import ConditionFailed
from ..store.models import OPEN_COMPLAINTS, Booking, Complaint, ComplaintRef, Customer
from ..store.tx import Tx
from . import common, mail

TAKEN_PLACE = ("confirmed", "completed")


def taken_place(booking: Booking, now: dt.datetime) -> bool:
    no_show = getattr(booking, "outcome", None) == "no_show"  # the back office records outcomes
    return booking.status in TAKEN_PLACE and booking.start <= now and not no_show


def file(customer: Customer, booking: Booking, text: str, now: dt.datetime) -> Complaint:
    """A new open complaint; 409 ``not_taken_place`` before the visit, ``complaint_open`` for a second one."""
    if not taken_place(booking, now):
        raise Conflict("not_taken_place")
    if any(c.booking_id == booking.booking_id and c.status == "open"
           for c in common.of_customer(customer.customer_id, now)):
        raise Conflict("complaint_open")
    complaint_id = ids.new_id()[:16]
    complaint = Complaint(
        *Complaint.key(customer.customer_id, complaint_id), complaint_id=complaint_id,
        booking_id=booking.booking_id, customer_id=customer.customer_id, status="open",
        messages=[common.message("customer", text, now)], created_at=now, updated_at=now,
        gsi1pk=OPEN_COMPLAINTS, gsi1sk=common.index_sk(now, customer.customer_id, complaint_id),
        expires_at=customer.expires_at,
    )
    filing = Tx()
    filing.put("complaint", complaint, Complaint.pk.does_not_exist())
    filing.put("ref", ComplaintRef.make(customer.customer_id, complaint_id, customer.expires_at))  # found by id alone
    messages.add(filing, mail.received(customer, booking, complaint, now))  # the receipt, with the complaint
    common.customer_live(filing, customer.customer_id, now)
    try:
        filing.commit()
    except ConditionFailed as failed:
        if failed.failed("customer"):
            raise NotFound() from None  # erased meanwhile
        raise Conflict("complaint_changed") from None
    common.moved_expiry(customer.customer_id, now)
    return complaint


def reply(customer: Customer, booking: Booking, complaint_id: str, text: str, now: dt.datetime) -> Complaint:
    """The customer's answer in the thread of an open complaint (404 for another's; 409 once closed)."""
    found = common.one(customer.customer_id, complaint_id, now) if len(complaint_id or "") == 16 else None
    if found is None or found.booking_id != booking.booking_id:
        raise NotFound()
    if found.status != "open":
        raise Conflict("complaint_closed")
    if len(found.messages) >= common.MAX_MESSAGES:
        raise Conflict("complaint_too_long")
    note = common.message("customer", text, now)
    try:
        tx.update(found, [Complaint.messages.set(Complaint.messages.append([note])), Complaint.updated_at.set(now),
                          Complaint.version.add(1)],
                  (Complaint.version == found.version) & (Complaint.status == "open"))
    except ConditionFailed:
        raise Conflict("complaint_changed") from None
    common.moved_expiry(customer.customer_id, now)
    return found  # refreshed by the update with what DynamoDB returned
