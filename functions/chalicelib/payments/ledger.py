"""The accounting ledger: one record per payment and per refund.

Bokföringslagen 7 kap. 2 § keeps accounting records until the end of the
seventh year after their calendar year, and erasing a customer must not
delete them. So a ledger row names only the booking and Stripe's ids, never
a name, an e-mail address or a phone number, and it lives in its own
partition (``LEDGER#<booking id>``), outside the customer's, with its own
expiry (``retention.bookkeeping_expiry``). The bookkeeping export reads one
year through gsi1 (``LEDGER_YEAR#<yyyy>``).

Writes are idempotent: a row's key is its Stripe object (charge or refund),
so recording the same payment twice keeps one row. The transaction that issues
the row's receipt (``payments.receipts``) adds its number, VAT rate and VAT
amount to the row, so the export shows them beside the amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..core.clock import STOCKHOLM
from ..retention import dates as retention
from ..store import ledger_repo, tx
from ..store.errors import ConditionFailed
from ..store.models import LedgerEntry

PAYMENT = "payment"
REFUND = "refund"
REDEMPTION = "redemption"  # a gift card used to pay: revenue without money moving (its liability goes down)
ONLINE, DESK, SHOP, GIFT_CARD = "online", "desk", "shop", "gift_card"  # a row's channel
CURRENCY = "sek"
CSV_COLUMNS = (
    "booked_on", "entry_type", "amount_sek", "currency", "booking_id",
    "payment_intent_id", "stripe_object_id", "recorded_at",
    # from the row's receipt (payments.receipts): empty for a row without one
    "receipt_number", "vat_rate", "vat_sek",
)


def ledger_pk(booking_id: str) -> str:
    return ledger_repo.ledger_pk(booking_id)


def stockholm_day(moment: dt.datetime) -> dt.date:
    """The calendar day a moment belongs to in the books (Stockholm)."""
    return moment.astimezone(STOCKHOLM).date()


@dataclass(frozen=True)
class Row:
    """A ledger row as the books show it (amounts in öre, signed)."""

    booked_on: dt.date
    entry_type: str
    amount_ore: int
    currency: str
    booking_id: str
    payment_intent_id: str
    stripe_object_id: str
    recorded_at: dt.datetime
    expires_at: dt.datetime | None
    receipt_number: int | None = None
    vat_percent: int | None = None
    vat_ore: int | None = None
    channel: str = ONLINE

    @classmethod
    def of(cls, entry: LedgerEntry) -> Row:
        return cls(
            booked_on=dt.date.fromisoformat(entry.booked_on),
            entry_type=entry.entry_type,
            amount_ore=int(entry.amount_ore),
            currency=entry.currency,
            booking_id=entry.booking_id,
            payment_intent_id=entry.payment_intent_id,
            stripe_object_id=entry.stripe_object_id,
            recorded_at=entry.recorded_at,
            expires_at=entry.expires_at,
            receipt_number=None if entry.receipt_number is None else int(entry.receipt_number),
            vat_percent=None if entry.vat_percent is None else int(entry.vat_percent),
            vat_ore=None if entry.vat_ore is None else int(entry.vat_ore),
            channel=entry.channel or ONLINE,
        )

    def csv_values(self) -> tuple[str, ...]:
        return (
            self.booked_on.isoformat(), self.entry_type, format_sek(self.amount_ore), self.currency.upper(),
            self.booking_id, self.payment_intent_id, self.stripe_object_id,
            self.recorded_at.isoformat(timespec="seconds"),
            "" if self.receipt_number is None else str(self.receipt_number),
            "" if self.vat_percent is None else str(self.vat_percent),
            "" if self.vat_ore is None else format_sek(self.vat_ore),
        )


def format_sek(amount_ore: int) -> str:
    """Kronor with two decimals, e.g. -500.00 (a dot: the export is for machines)."""
    sign = "-" if amount_ore < 0 else ""
    whole, ore = divmod(abs(amount_ore), 100)
    return f"{sign}{whole}.{ore:02d}"


def _record(
    *, booking_id: str, entry_type: str, amount_ore: int, payment_intent_id: str,
    stripe_object_id: str, now: dt.datetime, currency: str,
) -> Row:
    day = stockholm_day(now)
    index = ledger_repo.entry_index(day, booking_id, entry_type, stripe_object_id)
    entry = LedgerEntry(
        *ledger_repo.entry_key(booking_id, entry_type, stripe_object_id),
        booking_id=booking_id,
        entry_type=entry_type,
        amount_ore=amount_ore,
        currency=currency.lower(),
        booked_on=day.isoformat(),
        payment_intent_id=payment_intent_id,
        stripe_object_id=stripe_object_id,
        recorded_at=now,
        expires_at=retention.bookkeeping_expiry(day),
        gsi1pk=index[0],
        gsi1sk=index[1],
    )
    entry.index_expiry()
    try:
        tx.put(entry, LedgerEntry.pk.does_not_exist())
    except ConditionFailed:
        # Recorded before (a retried webhook or cancel): the first row stands.
        first = tx.get(LedgerEntry, (entry.pk, entry.sk))
        assert first is not None  # ledger rows are never deleted before their seven years
        entry = first
    return Row.of(entry)


def record_payment(
    booking_id: str, payment_intent_id: str, charge_id: str, amount_ore: int, now: dt.datetime,
    currency: str = CURRENCY,
) -> Row:
    """Money received for a booking (once per charge)."""
    if amount_ore <= 0:
        raise ValueError("a payment is a positive amount")
    return _record(booking_id=booking_id, entry_type=PAYMENT, amount_ore=amount_ore,
                   payment_intent_id=payment_intent_id, stripe_object_id=charge_id, now=now, currency=currency)


def record_refund(
    booking_id: str, payment_intent_id: str, refund_id: str, amount_ore: int, now: dt.datetime,
    currency: str = CURRENCY,
) -> Row:
    """Money given back (once per Stripe refund); stored negative."""
    if amount_ore <= 0:
        raise ValueError("give a refund as a positive amount")
    return _record(booking_id=booking_id, entry_type=REFUND, amount_ore=-amount_ore,
                   payment_intent_id=payment_intent_id, stripe_object_id=refund_id, now=now, currency=currency)


def for_booking(booking_id: str, now: dt.datetime) -> list[Row]:
    """A booking's payments and refunds, oldest first (one Query)."""
    entries = ledger_repo.entries(booking_id, now)
    return sorted((Row.of(e) for e in entries), key=lambda r: (r.recorded_at, r.stripe_object_id))


def for_year(year: int, now: dt.datetime) -> Iterator[Row]:
    """Every row booked in one calendar year, by date (one Query on gsi1, paged)."""
    for item in ledger_repo.entries_of_year(year, now):
        yield Row.of(item)


def balance(rows: Iterable[Row]) -> int:
    """Net amount in öre: payments minus refunds."""
    return sum(row.amount_ore for row in rows)


def vat_balance(rows: Iterable[Row]) -> int:
    """Net VAT in öre of the rows that have a receipt: on payments minus on refunds."""
    return sum(row.vat_ore or 0 for row in rows)


def booking_balance(booking_id: str, now: dt.datetime) -> int:
    return balance(for_booking(booking_id, now))
