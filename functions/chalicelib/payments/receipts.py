"""Receipts: one after each payment, a credit receipt (kreditkvitto) after each refund.

``paid(paid, now)`` and ``refunded(paid, booking_id, refund_id, amount_ore, now)`` are the one way
money in and money out are booked: each writes the ledger row (``ledger``) and then issues its
receipt. Every refund path (a cancellation in time, a payment whose hold was lost, a partial refund)
calls ``refunded``; the webhook calls ``paid``.

Numbers come from one series without gaps (pattern 20): a ``ReceiptCounter`` item raised from the
value read to the next, on the condition that it still holds that value, in the same
TransactWriteItems as the ``Receipt`` itself, the ledger row's receipt columns and the e-mail to
the customer (a ``Message`` in their partition, sent by the outbox). Either all of it is written or
none, so a crash never leaves a number used without its receipt; two issues at once cannot both
take a number (one's condition fails, it reads again and takes the next). The receipt's key is the
Stripe object it records, so a webhook delivered twice or a refund retried finds it and issues
nothing more.

VAT is included in the price: VAT = amount × rate / (100 + rate), rounded to öre; the rate is the
treatment's ``vat_percent`` in the clinic file (a credit receipt takes the rate of the receipt it
corrects).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal

from ..core import clinic as clinic_module
from ..messages import add as add_message
from ..retention import dates as retention
from ..store import ledger_repo, lookups, tx
from ..store.errors import ConditionFailed
from ..store.models import LedgerEntry, Receipt, ReceiptCounter
from ..store.models.receipts import CREDIT, RECEIPT
from ..store.tx import Tx, backoff
from . import ledger
from .values import Paid

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 60   # 20 payments at the same instant need at most 20 rounds; each round one wins
BACKOFF_CAP = 6     # the pause grows with the attempt up to this many steps (0.03-0.18 s)
DEFAULT_VAT_PERCENT = 25


class ReceiptError(RuntimeError):
    """A receipt could not be issued (the series stayed contended, or its ledger row is missing)."""


def vat_included(amount_ore: int, percent: int) -> int:
    """The VAT inside an amount that includes it, rounded to whole öre (half away from zero)."""
    exact = Decimal(int(amount_ore)) * int(percent) / (100 + int(percent))
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- the two ways money moves ------------------------------------------------------------------


def paid(paid: Paid, now: dt.datetime) -> Receipt | None:
    """Book a payment that succeeded: its ledger row and its receipt (once per charge)."""
    if not paid.charge_id or not paid.booking_id:
        return None
    ledger.record_payment(paid.booking_id, paid.payment_intent_id, paid.charge_id, paid.amount_ore, now, paid.currency)
    return issue(RECEIPT, paid, paid.booking_id, paid.charge_id, paid.amount_ore, now)


def refunded(paid: Paid, booking_id: str, refund_id: str, amount_ore: int, now: dt.datetime) -> Receipt | None:
    """Book money given back: its ledger row, then its credit receipt (once per Stripe refund).

    Stripe has already refunded when this is called, so a receipt that cannot be issued is logged
    (``allavie receipts`` lists ledger rows without one) and does not undo the answer.
    """
    ledger.record_refund(booking_id, paid.payment_intent_id, refund_id, amount_ore, now, paid.currency)
    try:
        return issue(CREDIT, paid, booking_id, refund_id, -int(amount_ore), now)
    except Exception:  # noqa: BLE001 - the refund is made and ledgered; the operator sees the missing receipt
        log.exception("credit receipt for refund %s of booking %s was not issued", refund_id, booking_id)
        return None


# --- issuing -------------------------------------------------------------------------------------


def issue(kind: str, paid: Paid, booking_id: str, stripe_object_id: str, amount_ore: int,
          now: dt.datetime) -> Receipt:
    """The receipt of one Stripe object, issued now with the next number, or the one issued before."""
    key = Receipt.key(booking_id, stripe_object_id)
    ledger_key = ledger_repo.entry_key(booking_id, ledger.PAYMENT if kind == RECEIPT else ledger.REFUND, stripe_object_id)
    customer = lookups.profile(paid.customer_id, now) if paid.customer_id else None
    booking = lookups.booking(paid.customer_id, booking_id, now) if paid.customer_id else None
    service_id = booking.service_id if booking is not None else paid.service_id
    corrected = original(booking_id, paid.payment_intent_id, now) if kind == CREDIT else None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = tx.get(Receipt, key)
        if before is not None:
            return before  # a webhook seen twice, a refund retried: the first receipt stands
        counter = tx.get(ReceiptCounter, ReceiptCounter.key())
        seen = int(counter.last_number) if counter is not None else 0
        receipt = _receipt(kind, seen + 1, booking_id, paid, stripe_object_id, amount_ore, service_id, corrected, now)
        change = Tx()
        if counter is None:
            change.put("counter", ReceiptCounter(*ReceiptCounter.key(), last_number=receipt.number, updated_at=now),
                       ReceiptCounter.pk.does_not_exist())
        else:
            change.update("counter", ReceiptCounter(*ReceiptCounter.key()),
                          [ReceiptCounter.last_number.set(receipt.number), ReceiptCounter.updated_at.set(now)],
                          ReceiptCounter.last_number == seen)
        change.put("receipt", receipt, Receipt.pk.does_not_exist())
        change.update("ledger", LedgerEntry(*ledger_key), [
            LedgerEntry.receipt_number.set(receipt.number), LedgerEntry.vat_percent.set(receipt.vat_percent),
            LedgerEntry.vat_ore.set(receipt.vat_ore),
        ], LedgerEntry.pk.exists() & LedgerEntry.receipt_number.does_not_exist())
        if customer is not None:
            from .receipt_mail import receipt_message  # the e-mail's texts, only when one is written

            add_message(change, receipt_message(receipt, customer, now))
        try:
            change.commit()
        except ConditionFailed as failed:
            if failed.failed("receipt"):
                found = tx.get(Receipt, key)
                if found is not None:
                    return found
            if failed.failed("ledger") and not failed.failed("counter") and not failed.contended:
                raise ReceiptError(f"no ledger row {ledger_key} without a receipt to issue one for") from None
            backoff(min(attempt, BACKOFF_CAP))  # another receipt took the number (or the item was busy)
            continue
        return receipt
    raise ReceiptError(f"the receipt series stayed contended; {stripe_object_id} has no receipt yet")


def _receipt(kind: str, number: int, booking_id: str, paid: Paid, stripe_object_id: str, amount_ore: int,
             service_id: str | None, corrected: Receipt | None, now: dt.datetime) -> Receipt:
    clinic = clinic_module.current()
    service = clinic.service(service_id) if service_id else None
    if corrected is not None:  # a credit corrects its receipt: the same treatment and VAT rate
        percent, treatment, service_id = int(corrected.vat_percent), corrected.treatment, corrected.service_id
    else:
        percent = service.vat_percent if service is not None else DEFAULT_VAT_PERCENT
        treatment = service.name.sv if service is not None else (service_id or "Behandling")
    day = ledger.stockholm_day(now)
    receipt = Receipt(
        *Receipt.key(booking_id, stripe_object_id), number=number, receipt_type=kind, issued_at=now,
        issued_on=day.isoformat(), booking_id=booking_id, payment_intent_id=paid.payment_intent_id,
        stripe_object_id=stripe_object_id, service_id=service_id, treatment=treatment, amount_ore=int(amount_ore),
        currency=paid.currency.lower(), vat_percent=percent, vat_ore=vat_included(int(amount_ore), percent),
        credits_number=int(corrected.number) if corrected is not None else None,
        seller=clinic.organisation, trade_name=clinic.name, organisation_number=clinic.organisation_number,
        address=clinic.address, expires_at=retention.bookkeeping_expiry(day),
        gsi1pk=ledger_repo.receipt_index(day, number)[0], gsi1sk=ledger_repo.receipt_index(day, number)[1],
    )
    receipt.index_expiry()
    return receipt


# --- reading -----------------------------------------------------------------------------------


def for_booking(booking_id: str, now: dt.datetime) -> list[Receipt]:
    """A booking's receipts and credit receipts, by number (one Query of its ledger partition)."""
    return sorted(ledger_repo.receipts(booking_id, now), key=lambda r: int(r.number))


def original(booking_id: str, payment_intent_id: str, now: dt.datetime) -> Receipt | None:
    """The receipt of a payment, which its credit receipts correct; None when it has none."""
    return next((r for r in for_booking(booking_id, now)
                 if r.receipt_type == RECEIPT and r.payment_intent_id == payment_intent_id), None)


def for_year(year: int, now: dt.datetime) -> list[Receipt]:
    """Every receipt issued in a calendar year (Stockholm), by number (one Query of gsi1, paged)."""
    return ledger_repo.receipts_of_year(year, now)

