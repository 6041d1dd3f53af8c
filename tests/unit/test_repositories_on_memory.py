"""The repositories' reads on the in-memory table: the partitions, sort-key ranges, order and limits each
access pattern asks for (docs/architecture.md), so that a fake answers as DynamoDB would. The same reads
against DynamoDB Local are exercised by every functional test of their capability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from chalicelib.core import clinic
from chalicelib.store import calendar_repo, customer_repo, engine, ledger_repo, offers_repo, outbox_repo
from chalicelib.store.memory import MemoryTable
from chalicelib.store.models import Block, Booking, Complaint, Message, Offer, Receipt, RefundClaim

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 20, 11, 0, tzinfo=UTC)
TZ = clinic.load().tz


@pytest.fixture()
def table() -> Iterator[MemoryTable]:
    with engine.use(MemoryTable()) as memory:
        assert isinstance(memory, MemoryTable)
        yield memory


def message(table: MemoryTable, message_id: str, index: tuple[str, str]) -> None:
    table.put(Message(*Message.key("c1", outbox_repo.stamp(NOW), message_id), message_id=message_id, channel="email",
                      purpose="link", recipient="a@example.se", gsi1pk=index[0], gsi1sk=index[1]))


def test_the_outbox_takes_what_is_due_soonest_first_and_finds_a_failed_one_by_id(table: MemoryTable) -> None:
    for minutes, message_id in ((5, "m3"), (-5, "m1"), (0, "m2")):
        message(table, message_id, outbox_repo.due_index(NOW + dt.timedelta(minutes=minutes), message_id))
    message(table, "f1", outbox_repo.failed_index(NOW, "f1"))
    assert [sk.rsplit("#", 1)[1] for _, sk in outbox_repo.due(NOW, 10)] == ["m1", "m2"]
    assert len(outbox_repo.due(NOW, 1)) == 1
    found = outbox_repo.failed_one("f1")
    assert found is not None and found.message_id == "f1"
    assert outbox_repo.failed_one("m1") is None and [m.message_id for m in outbox_repo.failed(10)] == ["f1"]


def complaint(table: MemoryTable, complaint_id: str, at: dt.datetime, closed: bool) -> None:
    pk, sk = Complaint.key("c1", complaint_id)
    index = customer_repo.complaint_index(closed, at, "c1", complaint_id)
    table.put(Complaint(pk, sk, complaint_id=complaint_id, booking_id="b1", customer_id="c1",
                        status="closed" if closed else "open", created_at=at, updated_at=at,
                        gsi1pk=index[0], gsi1sk=index[1]))


def test_open_complaints_come_oldest_first_closed_ones_newest_first(table: MemoryTable) -> None:
    for day, complaint_id, closed in ((3, "k3", False), (1, "k1", False), (2, "k2", True), (4, "k4", True)):
        complaint(table, complaint_id, NOW + dt.timedelta(days=day), closed)
    assert [c.complaint_id for c in customer_repo.clinic_complaints(False, NOW, 10)] == ["k1", "k3"]
    assert [c.complaint_id for c in customer_repo.clinic_complaints(True, NOW, 1)] == ["k4"]
    assert sorted(c.complaint_id for c in customer_repo.complaints("c1", NOW)) == ["k1", "k2", "k3", "k4"]


def test_bookings_by_month_cover_every_month_of_the_range_and_blocks_by_end(table: MemoryTable) -> None:
    for start, booking_id in ((dt.datetime(2027, 3, 31, 22, 30, tzinfo=UTC), "april"),  # 00:30 on 1 April
                              (dt.datetime(2027, 3, 30, 8, 0, tzinfo=UTC), "march"),
                              (dt.datetime(2027, 4, 10, 8, 0, tzinfo=UTC), "later")):
        pk, sk = calendar_repo.day_keys(TZ, start, booking_id)
        table.put(Booking(*Booking.key("c1", booking_id), booking_id=booking_id, customer_id="c1", service_id="s",
                          staff_id="sara", start=start, end=start, locked_units=1, status="confirmed",
                          created_at=NOW, gsi1pk=pk, gsi1sk=sk))
    found = calendar_repo.bookings_between(TZ, dt.datetime(2027, 3, 30, tzinfo=UTC), dt.datetime(2027, 4, 2, tzinfo=UTC),
                                           NOW)
    assert [b.booking_id for b in found if isinstance(b, Booking)] == ["march", "april"]
    assert [q.pk for q in table.queries] == ["CAL#2027-03", "CAL#2027-04"]
    for end, block_id in ((NOW - dt.timedelta(hours=1), "over"), (NOW + dt.timedelta(hours=1), "running")):
        pk, sk = calendar_repo.block_index(end, block_id)
        table.put(Block(*Block.key(block_id), block_id=block_id, staff_id="sara", start=end - dt.timedelta(hours=2),
                        end=end, reason="kurs", created_by="anna", created_at=NOW, gsi1pk=pk, gsi1sk=sk))
    assert [b.block_id for b in calendar_repo.blocks_running(NOW, NOW)] == ["running"]


def test_the_newest_offers_first_and_a_bookings_receipts_without_its_claims(table: MemoryTable) -> None:
    for hours, offer_id in ((1, "o1"), (3, "o3"), (2, "o2")):
        pk, sk = offers_repo.offer_index(NOW + dt.timedelta(hours=hours), offer_id)
        table.put(Offer(*Offer.key(offer_id), offer_id=offer_id, subject="s", text="t", channels="email",
                        created_at=NOW, created_by="anna", gsi1pk=pk, gsi1sk=sk))
    assert [o.offer_id for o in offers_repo.newest(offers_repo.LISTED, 2)] == ["o3", "o2"]
    table.put(Receipt(*Receipt.key("b1", "ch_1"), number=1, receipt_type="receipt", issued_at=NOW))
    table.put(RefundClaim(*RefundClaim.key("b1", "pi_1"), booking_id="b1", payment_intent_id="pi_1", paid_ore=1,
                          updated_at=NOW))
    assert [r.sk for r in ledger_repo.receipts("b1", NOW)] == ["RECEIPT#ch_1"]
