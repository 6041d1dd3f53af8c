"""Which revenue a ledger row is (pure): the report's ``revenue_sek`` keys and the SIE file's payment types."""

from __future__ import annotations

from ..payments import ledger

ONLINE = "online"
DESK = "desk"
SHOP = "shop"
GIFT_CARDS_SOLD = "gift_cards_sold"
GIFT_CARDS_REDEEMED = "gift_cards_redeemed"
KINDS = (ONLINE, DESK, SHOP, GIFT_CARDS_SOLD, GIFT_CARDS_REDEEMED)


def kind_of(entry_type: str, channel: str | None) -> str:
    """A row's kind of revenue: a gift card used to pay is a redemption wherever it happened; otherwise the
    channel the money moved through (rows from before channels existed are online prepayments)."""
    if entry_type == ledger.REDEMPTION:
        return GIFT_CARDS_REDEEMED
    return {ledger.DESK: DESK, ledger.SHOP: SHOP, ledger.GIFT_CARD: GIFT_CARDS_SOLD}.get(channel or "", ONLINE)


def of_row(row: ledger.Row) -> str:
    return kind_of(row.entry_type, row.channel)
