"""Payments' items: webhook events seen, ledger rows and refund claims (no personal data)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..processing import BOOKKEEPING, Basis, Data, Period, Processing, Recipient, Subject
from ..table import Item, Keys


class WebhookEvent(Item, discriminator="webhook_event"):
    """A Stripe event id already handled (7); no personal data."""

    KEYS = Keys(pk="`STRIPE_EVENT#<evt>`", sk="`EVENT`", gsi2="expiry", patterns="7")
    PROCESSING = Processing(
        purpose_sv="Att en händelse från Stripe redan hanterats (id och typ), så att ingen betalning bokförs två gånger.",
        purpose_en="That an event from Stripe was already handled (id and type), so no payment is booked twice.",
        legal_basis=(), subjects=(), categories=(), recipients=(Recipient.DYNAMODB,),
        retention=Period("30 dagar", "30 days"))

    event_type = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="completed")  # in_progress | completed (see webhooks.py)
    lease_until = UTCDateTimeAttribute(null=True)   # an in_progress record older than this may be taken over

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"STRIPE_EVENT#{event_id}", "EVENT"


class LedgerEntry(Item, discriminator="ledger"):
    """An accounting record (8): kept 7 years, never names, e-mails or phones."""

    KEYS = Keys(pk="`LEDGER#<bid>`",
                sk="`<kind>#<stripe id>`",
                gsi1="`LEDGER_YEAR#<yyyy>` / `<date>#<bid>#...`",
                gsi2="expiry",
                patterns="8")
    PROCESSING = Processing(
        purpose_sv="Bokföringen: varje betalning och återbetalning (belopp, moms, datum, boknings-id); inga namn eller "
                   "kontaktuppgifter.",
        purpose_en="The books: each payment and refund (amount, VAT, date, booking id); no names or contact details.",
        legal_basis=(Basis.LEGAL_OBLIGATION,), subjects=(Subject.CUSTOMERS,),
        categories=(Data.ACCOUNTING, Data.PAYMENT, Data.CUSTOMER_IDS),
        recipients=(Recipient.STAFF, Recipient.DYNAMODB, Recipient.STRIPE), retention=BOOKKEEPING)

    booking_id = UnicodeAttribute()
    entry_type = UnicodeAttribute()       # payment | refund (| redemption: a gift card used to pay, no money moves)
    # Where the money moved: online (Stripe; absent on the rows written before it existed), desk, shop or
    # gift_card (a gift card sold); the owner's reports and the SIE file sort revenue by it.
    channel = UnicodeAttribute(null=True)
    amount_ore = NumberAttribute()        # positive for payments, negative for refunds
    currency = UnicodeAttribute(default="sek")
    booked_on = UnicodeAttribute()        # YYYY-MM-DD, Stockholm
    payment_intent_id = UnicodeAttribute()
    stripe_object_id = UnicodeAttribute()  # charge or refund id
    recorded_at = UTCDateTimeAttribute()
    # Set in the transaction that issues the row's receipt (payments.receipts), for the export.
    receipt_number = NumberAttribute(null=True)
    vat_percent = NumberAttribute(null=True)
    vat_ore = NumberAttribute(null=True)       # signed like amount_ore


class RefundClaim(Item, discriminator="refund_claim"):
    """How much of one payment has been claimed for refunds (pk LEDGER#<bid>, sk CLAIM#<intent>).

    Raised with a conditional update *before* Stripe is asked, so that two
    cancels at once can never refund more than was paid. No personal data.
    """

    KEYS = Keys(pk="`LEDGER#<bid>`", sk="`CLAIM#<intent>`", gsi2="expiry", patterns="8")
    PROCESSING = Processing(
        purpose_sv="Hur mycket av en betalning som återbetalats, så att aldrig mer än det betalda återbetalas.",
        purpose_en="How much of a payment has been refunded, so never more than was paid is refunded.",
        legal_basis=(Basis.LEGAL_OBLIGATION, Basis.CONTRACT), subjects=(Subject.CUSTOMERS,),
        categories=(Data.PAYMENT, Data.CUSTOMER_IDS), recipients=(Recipient.DYNAMODB, Recipient.STRIPE),
        retention=BOOKKEEPING)

    booking_id = UnicodeAttribute()
    payment_intent_id = UnicodeAttribute()
    paid_ore = NumberAttribute()
    claimed_ore = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(booking_id: str, payment_intent_id: str) -> tuple[str, str]:
        return f"LEDGER#{booking_id}", f"CLAIM#{payment_intent_id}"
