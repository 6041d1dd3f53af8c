"""Receipts (kvitton) and credit receipts (kreditkvitton), and the counter of their one series (20).

A receipt is an accounting record (Bokföringslagen): kept to the end of the seventh year after its
year, in the booking's ledger partition beside the ledger rows, never with a name, an e-mail address
or a phone number. Its key is the Stripe object it records (the charge of a payment, a refund), so a
webhook delivered twice or a refund retried finds it and never makes a second one.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..table import Item, Keys

RECEIPT = "receipt"   # money received
CREDIT = "credit"     # money given back (kreditkvitto)


class Receipt(Item, discriminator="receipt"):
    """One receipt: pk ``LEDGER#<bid>``, sk ``RECEIPT#<stripe id>``; gsi1 ``RECEIPT_YEAR#<yyyy>`` / number."""

    KEYS = Keys(pk="`LEDGER#<bid>`",
                sk="`RECEIPT#<stripe charge or refund id>`",
                gsi1="`RECEIPT_YEAR#<yyyy>` / `<number, 10 digits>`",
                gsi2="expiry",
                patterns="20")

    number = NumberAttribute()             # in the one series without gaps
    receipt_type = UnicodeAttribute()      # receipt | credit
    issued_at = UTCDateTimeAttribute()
    issued_on = UnicodeAttribute()         # YYYY-MM-DD, Stockholm
    booking_id = UnicodeAttribute()
    payment_intent_id = UnicodeAttribute()
    stripe_object_id = UnicodeAttribute()  # charge (receipt) or refund (credit)
    service_id = UnicodeAttribute(null=True)
    treatment = UnicodeAttribute()         # as printed (Swedish)
    amount_ore = NumberAttribute()         # VAT included; negative on a credit receipt
    currency = UnicodeAttribute(default="sek")
    vat_percent = NumberAttribute()
    vat_ore = NumberAttribute()            # negative on a credit receipt
    credits_number = NumberAttribute(null=True)  # the receipt a credit receipt corrects
    # The seller as it was when the receipt was issued (the clinic file may change later).
    seller = UnicodeAttribute()            # the organisation's name (Allavie AB)
    trade_name = UnicodeAttribute()        # the clinic's name (Hudateljén)
    organisation_number = UnicodeAttribute(default="")  # empty: missing in the clinic file (not prod)
    address = UnicodeAttribute()

    @staticmethod
    def key(booking_id: str, stripe_object_id: str) -> tuple[str, str]:
        return f"LEDGER#{booking_id}", f"RECEIPT#{stripe_object_id}"


class ReceiptCounter(Item, discriminator="receipt_counter"):
    """The last receipt number used (20). Raised only in the transaction that writes that receipt, on
    the condition that it still holds the value read: no number is used twice and none is skipped.
    It never expires (the series goes on across years)."""

    KEYS = Keys(pk="`RECEIPT_SERIES`", sk="`COUNTER`", patterns="20")

    last_number = NumberAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key() -> tuple[str, str]:
        return "RECEIPT_SERIES", "COUNTER"
