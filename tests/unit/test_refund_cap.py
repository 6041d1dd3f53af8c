"""The cap on refunds (a complaint's partial refund, a cancellation's whole one), on the in-memory table:
a refund claims at most what is left of the payment, counting what its claim item says was claimed and
what Stripe says was refunded outside the app. That two refunds at once cannot both take what is left
(the claim's conditional update) stays functional (test_complaints, test_payments)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from chalicelib.payments import refunds
from chalicelib.payments.values import Paid
from chalicelib.store import engine
from chalicelib.store.memory import MemoryTable
from chalicelib.store.models import RefundClaim

NOW = dt.datetime(2027, 3, 20, 11, 0, tzinfo=dt.timezone.utc)


def paid(amount_ore: int = 50000, refunded_ore: int = 0) -> Paid:
    return Paid("pi_1", "succeeded", amount_ore, "sek", "ch_1", refunded_ore, "b1", "c1")


@pytest.fixture()
def table() -> Iterator[MemoryTable]:
    with engine.use(MemoryTable()) as memory:
        assert isinstance(memory, MemoryTable)
        yield memory


def claimed(table: MemoryTable, ore: int) -> None:
    table.put(RefundClaim(*RefundClaim.key("b1", "pi_1"), booking_id="b1", payment_intent_id="pi_1", paid_ore=50000,
                          claimed_ore=ore, updated_at=NOW))


def test_a_part_is_granted_while_it_fits_what_is_left(table: MemoryTable) -> None:
    claimed(table, 30000)
    claim = refunds.claim_of(paid(), "b1", NOW)
    assert int(claim.claimed_ore) == 30000  # the claim as stored, read through the store
    assert refunds.claimable(paid(), int(claim.claimed_ore), 20000) == 20000
    with pytest.raises(refunds.RefundTooLarge) as refused:
        refunds.claimable(paid(), int(claim.claimed_ore), 20100)
    assert refused.value.remaining_sek == 200


def test_a_whole_refund_takes_what_is_left_and_nothing_once_all_is_claimed(table: MemoryTable) -> None:
    claimed(table, 12500)
    assert refunds.claimable(paid(), int(refunds.claim_of(paid(), "b1", NOW).claimed_ore), None) == 37500
    claimed(table, 50000)
    assert refunds.claimable(paid(), int(refunds.claim_of(paid(), "b1", NOW).claimed_ore), None) == 0
    assert refunds.claimable(paid(), 50000, 100) == 0  # refund_part answers RefundTooLarge(0) for it


def test_a_refund_made_outside_the_app_counts_as_claimed() -> None:
    assert refunds.claimable(paid(refunded_ore=45000), 0, None) == 5000
    with pytest.raises(refunds.RefundTooLarge):
        refunds.claimable(paid(refunded_ore=45000), 10000, 6000)
