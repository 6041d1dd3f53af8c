"""Payments' items: webhook events seen, ledger rows and refund claims (no personal data)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..table import Item, Keys


class WebhookEvent(Item, discriminator="webhook_event"):
    """A Stripe event id already handled (7); no personal data."""

    KEYS = Keys(pk="`STRIPE_EVENT#<evt>`", sk="`EVENT`", gsi2="expiry", patterns="7")

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

    booking_id = UnicodeAttribute()
    entry_type = UnicodeAttribute()       # payment | refund
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

    booking_id = UnicodeAttribute()
    payment_intent_id = UnicodeAttribute()
    paid_ore = NumberAttribute()
    claimed_ore = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(booking_id: str, payment_intent_id: str) -> tuple[str, str]:
        return f"LEDGER#{booking_id}", f"CLAIM#{payment_intent_id}"
