"""Erasure (GDPR art. 17): the customer's personal data goes everywhere at once.

What goes: the profile, the EmailKey, every item in the customer's partition
(bookings with their notes, consents, messages, pending address changes,
photos, complaints), the rate-limit counters of their address, the outbox
copies of their messages (``messages.erase_copies``) and their photos in the
bucket, uploads and clean copies (``photos.uploads.erase_objects``). Future bookings are cancelled first
through the booking capability's own cancel path, which frees their time and
refunds by the payment rules. What stays: the accounting ledger (no name,
e-mail or phone; Bokföringslagen 7 kap. 2 §) and the record that the request
was answered (no personal data).

Links die with the profile: ``access.authenticate`` finds no customer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import messages
from ..booking.change import release
from ..core.clock import local
from ..photos import uploads as photo_uploads
from ..store import ledger_repo, lookups, ratelimit, tx
from ..store.models import (
    AccessEntry,
    Booking,
    Complaint,
    Customer,
    EmailChange,
    EmailKey,
    Item,
    MarketingConsent,
    Message,
    PhoneKey,
    Photo,
    RightsRequest,
    identity_key,
)
from ..store.tx import Tx, Write, write_all
from . import log as rights_log

log = logging.getLogger(__name__)

ACTIVE = ("awaiting_payment", "confirmed")
# A request compares expiries with the "now" it took when it began: ending the profile this far in the
# past (a Lambda's longest run) makes it ended for every request still under way, not only for later ones.
FENCE_MARGIN = dt.timedelta(minutes=15)

TEXTS: dict[str, dict[str, str]] = {
    "profile": {"sv": "Kontaktuppgifter (namn, e-post, telefon) och val av utskick",
                "en": "Contact details (name, e-mail, phone) and message choices"},
    "bookings": {"sv": "Bokningar med dina anteckningar", "en": "Bookings with your notes"},
    "marketing_consents": {"sv": "Historik över samtycken till utskick", "en": "History of marketing consents"},
    "messages": {"sv": "Förteckning över meddelanden vi skickat, och kopiorna av dem",
                 "en": "The list of messages we sent you, and their copies"},
    "pending_email_changes": {"sv": "Obekräftade nya e-postadresser", "en": "Unconfirmed new e-mail addresses"},
    "photos": {"sv": "Bilder du lämnat till dina bokningar", "en": "Photos you gave with your bookings"},
    "complaints": {"sv": "Reklamationer och våra svar", "en": "Complaints and our answers"},
    "access_log": {"sv": "Loggen över vem på kliniken som tittat på dina uppgifter",
                   "en": "The log of who at the clinic looked at your data"},
    "links": {"sv": "Alla länkar vi skickat till dig (de fungerar inte längre)",
              "en": "Every link we sent you (they no longer work)"},
    "cancelled": {"sv": "Framtida bokningar avbokades", "en": "Future bookings were cancelled"},
    "ledger_what": {"sv": "Bokföringsuppgifter om betalningar och återbetalningar (belopp, datum, betalnings-id, "
                          "kvitton och kreditkvitton), utan namn, e-post eller telefon",
                    "en": "Accounting records of payments and refunds (amounts, dates, payment ids, receipts and "
                          "credit receipts), without name, e-mail or phone"},
    "ledger_why": {"sv": "Bokföringslagen (1999:1078) 7 kap. 2 § kräver att räkenskapsinformation sparas "
                         "till och med det sjunde året efter kalenderåret",
                   "en": "The Swedish Bookkeeping Act (1999:1078) ch. 7 s. 2 requires accounting records to be kept "
                         "until the end of the seventh year after the calendar year"},
    "record_what": {"sv": "Att en begäran om radering kom in och besvarades (utan personuppgifter)",
                    "en": "That a request for erasure was received and answered (without personal data)"},
    "record_why": {"sv": "För att kunna visa att vi besvarat begäran i tid (GDPR art. 5.2 och 12.3)",
                   "en": "To show that we answered the request in time (GDPR art. 5(2) and 12(3))"},
}


def text(key: str, language: str) -> str:
    return TEXTS[key]["en" if language == "en" else "sv"]


@dataclass
class Erasure:
    erased: list[str] = field(default_factory=list)
    kept: list[dict[str, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)   # booking ids
    refunds: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {"erased": self.erased, "kept": self.kept, "cancelled": len(self.cancelled), "refunds": self.refunds}


CancelFn = Callable[[Booking, dt.datetime], Any]


def erase(customer: Customer, now: dt.datetime, *, channel: str = "web", language: str = "sv",
          received_at: dt.datetime | None = None, cancel: CancelFn = release) -> Erasure:
    """Erase one customer; safe to run again if it stopped half-way (the profile goes last; the nightly
    sweep also finishes a customer whose erasure stopped after the fence)."""
    customer_id, email = customer.customer_id, customer.email
    result = Erasure()

    _fence(customer, now)  # from here on no booking, change or message can be added to this customer
    future = [i for i in lookups.partition(customer_id)
              if isinstance(i, Booking) and i.status in ACTIVE and i.end > now]
    for booking in future:
        outcome = cancel(booking, now)
        result.cancelled.append(booking.booking_id)
        refund = getattr(outcome, "refund", None)
        if refund is not None:
            result.refunds.append({"amount_sek": int(refund.amount_sek), "status": str(refund.status)})

    items = lookups.partition(customer_id)  # again: cancelling wrote statuses and messages
    counts = _count(items)
    booking_ids = [i.booking_id for i in items if isinstance(i, Booking)]
    ledger_until = _ledger_until(booking_ids)

    # The photos' objects before their items: a retry after a failure here still knows the customer.
    photo_uploads.erase_objects(customer_id)
    write_all([Write(item) for item in items if not isinstance(item, Customer)])
    _delete_root(customer, email)
    for straggler in lookups.partition(customer_id):  # none after the fence; should one appear, its time is freed too
        if isinstance(straggler, Booking) and straggler.status in ACTIVE:
            cancel(straggler, now)
        tx.delete(straggler)
    if email:
        ratelimit.forget("links", email)
    messages.erase_copies(customer_id)
    # Once more, now that no Photo item is left: an upload cleaned between the first pass and the items'
    # deletion wrote its copy then (the processing finds no item from here on and keeps nothing).
    photo_uploads.erase_objects(customer_id)
    record = rights_log.record("erasure", channel, "erased", now, received_at=received_at)

    result.erased = [text("profile", language), text("links", language)]
    for key in ("bookings", "marketing_consents", "messages", "pending_email_changes", "photos", "complaints",
                "access_log"):
        if counts.get(key) or key == "messages":
            result.erased.append(text(key, language))
    if result.cancelled:
        result.erased.append(text("cancelled", language))
    if ledger_until is not None:
        result.kept.append({"what": text("ledger_what", language), "why": text("ledger_why", language),
                            "until": last_day(ledger_until), "kind": "ledger"})
    result.kept.append({"what": text("record_what", language), "why": text("record_why", language),
                        "until": _until(record), "kind": "rights_request"})
    return result


def _fence(customer: Customer, now: dt.datetime) -> None:
    """End the profile's (and its EmailKey's) retention now, before anything is read for the erasure.

    Every write to a customer (a booking, a payment's confirmation, a correction) is conditional on a
    live profile, so a request racing the erasure either committed before this (and is cancelled and
    erased below, its time freed) or finds no customer (and a booking then makes a new one). Without
    it a booking committed between the partition's read and its deletion lost its booking but kept
    its time locks. Should the erasure stop half-way, the profile is due in the expiry index and the
    nightly sweep finishes the work.
    """
    ended = now - FENCE_MARGIN
    profile = Customer(*Customer.key(customer.customer_id), expires_at=ended)
    profile.index_expiry()
    write_all([
        Write(profile, Customer.pk.exists(), [Customer.expires_at.set(ended), Customer.gsi2pk.set(profile.gsi2pk),
                                             Customer.gsi2sk.set(profile.gsi2sk)]),
        Write(EmailKey(*EmailKey.key(customer.email)), EmailKey.customer_id == customer.customer_id,
              [EmailKey.expires_at.set(ended)]),
    ])


def last_day(expires_at: dt.datetime) -> str:
    """The last day something is kept: expiries are the first instant after that day (Stockholm)."""
    return local(expires_at - dt.timedelta(microseconds=1)).date().isoformat()


def _until(record: RightsRequest) -> str:
    return last_day(record.expires_at) if record.expires_at else ""


def _count(items: list[Item]) -> dict[str, int]:
    kinds = {Booking: "bookings", MarketingConsent: "marketing_consents", Message: "messages",
             EmailChange: "pending_email_changes", Photo: "photos", Complaint: "complaints", AccessEntry: "access_log"}
    counts: dict[str, int] = {}
    for item in items:
        for model, key in kinds.items():
            if isinstance(item, model):
                counts[key] = counts.get(key, 0) + 1
    return counts


def _ledger_until(booking_ids: list[str]) -> dt.datetime | None:
    """The latest day the customer's ledger rows must be kept (they are kept as they are)."""
    latest: dt.datetime | None = None
    for booking_id in booking_ids:
        for entry in ledger_repo.entries(booking_id, None):
            if entry.expires_at is not None and (latest is None or entry.expires_at > latest):
                latest = entry.expires_at
    return latest


def _delete_root(customer: Customer, email: str | None) -> None:
    """The profile and its EmailKey (a PhoneKey without e-mail) in one transaction: after it no link works."""
    model: type[EmailKey] | type[PhoneKey] = EmailKey if email else PhoneKey
    found_by = identity_key(customer)
    key = tx.get(model, found_by) if found_by is not None else None
    root = Tx()
    root.delete("customer", customer)
    if key is not None and key.customer_id == customer.customer_id:
        root.delete("email", key, model.customer_id == customer.customer_id)
    root.commit()
