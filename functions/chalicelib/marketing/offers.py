"""Offers the clinic writes in the back office (Erbjudanden) and sends to the customers who agreed.

An offer is a draft (subject, text, channels, optionally the treatment whose booking page it links) until
an admin sends it. The draft shows how many are on each channel's list now (``optin.count``); sending
flips it to ``sending`` once, whoever asks and however often (a conditional update on ``status = draft``),
and the sender (``marketing.sender``) takes it from there, a page at a time. What it reached is counted
per channel, nothing per person: no tracking pixel, no opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core import clinic as clinic_module
from ..core import fields, ids
from ..core.clock import iso_local
from ..core.errors import Conflict, Invalid, NotFound
from ..store import offers_repo, tx
from ..store.errors import ConditionFailed
from ..store.models import Offer
from . import optin
from .consents import CHANNELS
from .offer_mail import Content, composable

MAX_SUBJECT = 120
MAX_TEXT = 2000
MAX_SMS_TEXT = 480             # three text messages with the clinic's name and the links
DRAFT, SENDING, SENT, FAILED = "draft", "sending", "sent", "failed"
CHANGEABLE = (DRAFT, FAILED)   # staff edit (back to a draft) or delete a failed offer as a draft
UNCOMPOSABLE = "uncomposable"  # a failure: its message cannot be composed (a subject that would act in a header)
LISTED, GOING = offers_repo.LISTED, offers_repo.GOING  # gsi1: every offer by when written; the ones going out
LIST_LIMIT = 100


@dataclass(frozen=True)
class Draft:
    subject: str
    text: str
    channels: tuple[str, ...]
    service_id: str | None


def _channels(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(not isinstance(c, str) or c not in CHANNELS for c in value) \
            or len(set(value)) != len(value):
        raise fields.FieldError("channels")
    return tuple(c for c in CHANNELS if c in value)


def _service(value: object) -> str | None:
    if value is None or value == "":
        return None
    return fields.service_id(clinic_module.current(), value)


def parse(data: Mapping[str, Any]) -> Draft:
    """The body of ``POST /staff/offers``; every bad field named at once."""
    checked = fields.Fields(data)
    checked.unknown({"subject", "text", "channels", "service"})
    subject = checked.take("subject", fields.line, MAX_SUBJECT)
    text = checked.take("text", fields.text, MAX_TEXT)
    channels = checked.take("channels", _channels)
    service_id = checked.take("service", _service)
    if text and channels and "sms" in channels and len(text) > MAX_SMS_TEXT:
        checked.fail("text", "sms_too_long")
    checked.raise_if_any()
    return Draft(subject, text, channels, service_id)


def create(data: Mapping[str, Any], staff_id: str, now: dt.datetime) -> Offer:
    draft = parse(data)
    offer_id = ids.new_id()[:16]
    offer = Offer(*Offer.key(offer_id), offer_id=offer_id, subject=draft.subject, text=draft.text,
                  service_id=draft.service_id, channels=" ".join(draft.channels), status=DRAFT, created_at=now,
                  created_by=staff_id, gsi1pk=LISTED, gsi1sk=offers_repo.offer_index(now, offer_id)[1])
    tx.put(offer, Offer.pk.does_not_exist())
    return offer


def edit(offer_id: str, data: Mapping[str, Any], now: dt.datetime) -> Offer:
    """Change a draft or a failed offer (all of it, as ``create`` takes it: a draft again); 409 ``offer_not_draft``
    once sending was asked."""
    draft = parse(data)
    offer = get(offer_id)
    try:
        tx.update(offer, [Offer.subject.set(draft.subject), Offer.text.set(draft.text),
                          Offer.channels.set(" ".join(draft.channels)),
                          Offer.service_id.set(draft.service_id) if draft.service_id else Offer.service_id.remove(),
                          Offer.status.set(DRAFT), Offer.failure.remove(), Offer.gsi1pk.set(LISTED),
                          Offer.updated_at.set(now)], Offer.status.is_in(*CHANGEABLE))
    except ConditionFailed:
        raise Conflict("offer_not_draft") from None
    return get(offer_id)


def remove(offer_id: str) -> None:
    """Delete a draft or a failed offer; 409 ``offer_not_draft`` once sending was asked (what went out stays counted)."""
    offer = get(offer_id)
    try:
        tx.delete(offer, Offer.status.is_in(*CHANGEABLE))
    except ConditionFailed:
        raise Conflict("offer_not_draft") from None


def get(offer_id: str) -> Offer:
    offer = tx.get(Offer, Offer.key(offer_id)) if _plausible(offer_id) else None
    if offer is None:
        raise NotFound()
    return offer


def _plausible(offer_id: str) -> bool:
    return 0 < len(offer_id) <= 32 and offer_id.isalnum()


def channels_of(offer: Offer) -> tuple[str, ...]:
    return tuple(c for c in CHANNELS if c in (offer.channels or "").split())


def content(offer: Offer) -> Content:
    return Content(offer.subject, offer.text, offer.service_id)


def recipients(offer: Offer, now: dt.datetime) -> dict[str, int]:
    """Per channel: a draft's list as it is now; once sending was asked, the lists as they were then."""
    chosen = channels_of(offer)
    if offer.status == DRAFT:
        return {c: optin.count(c, now) if c in chosen else 0 for c in CHANNELS}
    return {"email": int(offer.reach_email or 0), "sms": int(offer.reach_sms or 0)}


def public(offer: Offer, now: dt.datetime, *, counted: bool = True) -> dict[str, Any]:
    """The offer as the back office sees it: what it says, its state, and counts only."""
    answer: dict[str, Any] = {
        "id": offer.offer_id, "status": offer.status, "subject": offer.subject, "text": offer.text,
        "channels": list(channels_of(offer)), "service": offer.service_id,
        "created_at": iso_local(offer.created_at), "created_by": offer.created_by,
        "send_asked_at": iso_local(offer.send_asked_at) if offer.send_asked_at else None,
        "finished_at": iso_local(offer.finished_at) if offer.finished_at else None,
        "sent": {"email": int(offer.sent_email or 0), "sms": int(offer.sent_sms or 0)},
        "failure": offer.failure,
    }
    if counted:
        answer["recipients"] = recipients(offer, now)
    return answer


UNCOMPOSABLE_CODE = "offer_uncomposable"


def fail(offer: Offer, now: dt.datetime, was: str, at_step: int | None = None) -> bool:
    """Mark the offer failed (visible in the list, editable and removable); False when it had changed meanwhile."""
    condition = Offer.status == was
    if at_step is not None:
        condition &= Offer.step == at_step
    try:
        tx.update(offer, [Offer.status.set(FAILED), Offer.failure.set(UNCOMPOSABLE), Offer.finished_at.set(now),
                          Offer.gsi1pk.set(LISTED), Offer.cursor.remove(), Offer.updated_at.set(now)], condition)
    except ConditionFailed:
        return False
    return True


def listed(now: dt.datetime) -> list[Offer]:
    """The newest offers first: the ones going out, then the rest (two Queries of gsi1)."""
    found: list[Offer] = []
    for partition in (GOING, LISTED):
        found += offers_repo.newest(partition, LIST_LIMIT)
    return sorted(found, key=lambda o: o.created_at, reverse=True)[:LIST_LIMIT]


def request_send(offer_id: str, staff_id: str, now: dt.datetime) -> Offer:
    """Start sending (once: a repeated or concurrent call finds it started and changes nothing)."""
    offer = get(offer_id)
    if offer.status == DRAFT:
        chosen = channels_of(offer)
        if not chosen:
            raise Invalid(fields={"channels": "channels"})
        if not composable(content(offer), now):
            fail(offer, now, DRAFT)
            raise Conflict(UNCOMPOSABLE_CODE)
        reach = {c: optin.count(c, now) if c in chosen else 0 for c in CHANNELS}
        try:
            tx.update(offer, [
                Offer.status.set(SENDING), Offer.send_asked_at.set(now), Offer.send_asked_by.set(staff_id),
                Offer.cursor_channel.set(chosen[0]), Offer.cursor.remove(), Offer.step.set(1),
                Offer.step_at.set(dt.datetime.now(dt.timezone.utc)),
                Offer.reach_email.set(reach["email"]), Offer.reach_sms.set(reach["sms"]),
                Offer.gsi1pk.set(GOING), Offer.updated_at.set(now),
            ], Offer.status == DRAFT)
        except ConditionFailed:
            pass  # another call started it a moment ago: one send, whoever asked
        offer = get(offer_id)
    return offer
