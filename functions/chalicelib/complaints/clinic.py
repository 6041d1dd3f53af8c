"""The clinic's side of complaints: the open ones, an answer (e-mailed to the customer), and closing
one with an outcome. A partial refund goes through ``payments.refunds`` (capped by the payment's
claim, ledgered); the complaint is closed first, on the version read, so two staff members who close
it at once cannot refund twice, and a refund Stripe refuses opens it again.

The answer's e-mail is written in the answer's own transaction (the outbox), except when the answer
closes with a refund: then it is queued once the refund is made, since a refused refund opens the
complaint again and the customer must not read that it was closed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from .. import messages
from ..core.errors import Conflict, Invalid, NotFound
from ..payments import refunds
from ..payments.gateway import PaymentError
from ..store import customer_repo, lookups, tx
from ..store.errors import ConditionFailed
from ..store.models import OPEN_COMPLAINTS, Complaint, ComplaintMessage
from ..store.tx import Tx
from . import common, mail

log = logging.getLogger(__name__)

OUTCOMES = ("redone", "partial_refund", "rejected", "resolved")
LIST_LIMIT = 200
STATUSES = {"open": OPEN_COMPLAINTS, "closed": common.CLOSED_COMPLAINTS}


def listing(status: str, now: dt.datetime) -> list[Complaint]:
    """Open complaints oldest first, or the latest closed ones (one Query of gsi1 each)."""
    if status not in STATUSES:
        raise Invalid(fields={"status": "invalid"})
    return customer_repo.clinic_complaints(status == "closed", now, LIST_LIMIT)


def locate(complaint_id: str, now: dt.datetime) -> Complaint:
    """A complaint by its id, whatever its status, read consistently by its own key: its customer from the
    ComplaintRef (a key no close moves; the open/closed index lags a close), else, for a complaint filed before
    the refs, from the open or closed index; 404 when none names it."""
    customer_id = lookups.complaint_customer(complaint_id)
    if customer_id is not None:
        found = common.one(customer_id, complaint_id, now)
        if found is None:
            raise NotFound()
        return found
    for status in ("open", "closed"):
        for listed in listing(status, now):
            if listed.complaint_id == complaint_id:
                fresh = common.one(listed.customer_id, complaint_id, now)
                if fresh is not None:
                    return fresh
    raise NotFound()


def find_open(complaint_id: str, now: dt.datetime) -> Complaint:
    """An open complaint by its id (``locate``); 409 ``complaint_changed`` once closed (a colleague closed it)."""
    found = locate(complaint_id, now)
    if found.status != "open":
        raise Conflict("complaint_changed")
    return found


@dataclass(frozen=True)
class Closing:
    outcome: str
    note: str | None = None       # the reason for a rejection, shown to the customer
    refund_sek: int | None = None


def check_closing(outcome: str, note: str | None, refund_sek: int | None) -> Closing:
    """The fields that belong together: a rejection names its reason, a partial refund its amount."""
    fields: dict[str, str] = {}
    if outcome not in OUTCOMES:
        fields["close.outcome"] = "complaint_outcome"
    if outcome == "rejected" and not (note or "").strip():
        fields["close.reason"] = "required"
    if outcome == "partial_refund" and refund_sek is None:
        fields["close.refund_sek"] = "required"
    if outcome != "partial_refund" and refund_sek is not None:
        fields["close.refund_sek"] = "unknown_field"
    if fields:
        raise Invalid(fields=fields)
    return Closing(outcome, note, refund_sek)


@dataclass
class Answered:
    complaint: Complaint
    refund: dict[str, Any] | None = None


def reply(staff_id: str, complaint_id: str, text: str, closing: Closing | None, now: dt.datetime) -> Answered:
    """Answer an open complaint (and close it when ``closing``); the customer gets the answer by e-mail."""
    complaint = find_open(complaint_id, now)
    customer = lookups.profile(complaint.customer_id, now)
    if customer is None:
        raise NotFound()
    if len(complaint.messages) >= common.MAX_MESSAGES:
        raise Conflict("complaint_too_long")
    answer = common.message("staff", text, now, staff_id)
    actions: list[Any] = [Complaint.messages.set(Complaint.messages.append([answer])), Complaint.updated_at.set(now),
                          Complaint.version.add(1)]
    if closing is not None:
        actions += [
            Complaint.status.set("closed"), Complaint.outcome.set(closing.outcome), Complaint.closed_at.set(now),
            Complaint.closed_by.set(staff_id), Complaint.gsi1pk.set(common.CLOSED_COMPLAINTS),
            Complaint.gsi1sk.set(common.index_sk(now, complaint.customer_id, complaint.complaint_id)),
        ]
        if closing.note:
            actions.append(Complaint.outcome_note.set(closing.note))
        if closing.refund_sek is not None:
            actions.append(Complaint.refund_sek.set(closing.refund_sek))
    written = _as_answered(complaint, answer, closing, staff_id, now)
    refunding = closing is not None and closing.refund_sek is not None
    change = Tx()
    change.update("complaint", complaint, actions, (Complaint.version == complaint.version) & (Complaint.status == "open"))
    common.customer_live(change, complaint.customer_id, now)
    if not refunding:
        messages.add(change, mail.answer(customer, written, now))
    try:
        change.commit()
    except ConditionFailed as failed:
        if failed.failed("customer"):
            raise NotFound() from None  # erased meanwhile
        raise Conflict("complaint_changed") from None
    refund = None
    if closing is not None and closing.refund_sek is not None:
        refund = _refund(written, closing.refund_sek, now)
        mail.quietly(mail.send_answer, customer, written, now)  # the refund is made: now the customer may read it
    common.moved_expiry(complaint.customer_id, now)
    return Answered(written, refund)


def _as_answered(complaint: Complaint, answer: ComplaintMessage, closing: Closing | None, staff_id: str,
                 now: dt.datetime) -> Complaint:
    """The complaint as the answer writes it (no read after the write): its e-mail is built from this."""
    changes: dict[str, Any] = {"messages": [*complaint.messages, answer], "updated_at": now,
                               "version": int(complaint.version or 0) + 1}
    if closing is not None:
        changes.update(status="closed", outcome=closing.outcome, closed_at=now, closed_by=staff_id,
                       gsi1pk=common.CLOSED_COMPLAINTS,
                       gsi1sk=common.index_sk(now, complaint.customer_id, complaint.complaint_id))
        if closing.note:
            changes["outcome_note"] = closing.note
        if closing.refund_sek is not None:
            changes["refund_sek"] = closing.refund_sek
    return common.as_written(complaint, **changes)


def _refund(complaint: Complaint, amount_sek: int, now: dt.datetime) -> dict[str, Any]:
    """The partial refund of a complaint just closed; on failure the complaint is open again (409)."""
    booking = lookups.booking(complaint.customer_id, complaint.booking_id, now)
    code = None
    try:
        if booking is None:
            raise refunds.NothingPaid(complaint.booking_id)
        made = refunds.refund_part(booking, amount_sek, now, reason="complaint")
        return {"amount_sek": made.amount_sek, "status": made.status}
    except refunds.RefundTooLarge as error:
        code, fields = "refund_too_large", {"close.refund_sek": "refund_too_large"}
        log.info("complaint %s: at most %d SEK left to refund", complaint.complaint_id, error.remaining_sek)
    except refunds.NothingPaid:
        code, fields = "nothing_paid", {"close.refund_sek": "nothing_paid"}
    except PaymentError:
        log.exception("refund for complaint %s failed", complaint.complaint_id)
        code, fields = "refund_failed", {}
    _reopen(complaint, now)
    raise Conflict(code, fields)


def _reopen(complaint: Complaint, now: dt.datetime) -> None:
    """Undo the closing (the answer's message goes with it: the clinic writes it again with the right outcome)."""
    last = len(complaint.messages) - 1
    try:
        tx.update(complaint, [
            Complaint.status.set("open"), Complaint.outcome.remove(), Complaint.closed_at.remove(),
            Complaint.closed_by.remove(), Complaint.refund_sek.remove(), Complaint.outcome_note.remove(),
            Complaint.messages[last].remove(), Complaint.version.add(1),
            Complaint.gsi1pk.set(OPEN_COMPLAINTS),
            Complaint.gsi1sk.set(common.index_sk(complaint.created_at, complaint.customer_id, complaint.complaint_id)),
        ], Complaint.status == "closed")
    except ConditionFailed:
        log.error("complaint %s could not be opened again after a failed refund", complaint.complaint_id)
