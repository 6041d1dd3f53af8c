"""Who an offer reaches, on the in-memory table (``store.memory``): a draft counts each chosen channel's
opt-in list as it is now (live markers only), and the sender takes a list page by page in customer-id
order. That the markers follow the consents, and that nobody is reached twice however often or
concurrently it is sent, stays functional (test_offers, test_booking_marketing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from chalicelib.marketing import offers, optin
from chalicelib.store import engine
from chalicelib.store.memory import MemoryTable
from chalicelib.store.models import Offer, OptIn

NOW = dt.datetime(2027, 3, 20, 11, 0, tzinfo=dt.timezone.utc)
LATER = NOW + dt.timedelta(days=400)


@pytest.fixture()
def table() -> Iterator[MemoryTable]:
    with engine.use(MemoryTable()) as memory:
        assert isinstance(memory, MemoryTable)
        yield memory


def on_list(table: MemoryTable, customer_id: str, channel: str, expires: dt.datetime = LATER) -> None:
    table.put(OptIn.make(customer_id, channel, NOW, expires))


def draft(channels: str, **values: object) -> Offer:
    return Offer(*Offer.key("o1"), offer_id="o1", subject="Vår", text="Välkommen", channels=channels,
                 status=values.pop("status", offers.DRAFT), created_at=NOW, created_by="sara", **values)


def test_a_draft_counts_the_live_lists_of_its_channels_only(table: MemoryTable) -> None:
    for customer_id in ("c1", "c2", "c3"):
        on_list(table, customer_id, "email")
    on_list(table, "c4", "email", expires=NOW - dt.timedelta(seconds=1))  # her data has ended: not on it
    on_list(table, "c1", "sms")
    assert offers.recipients(draft("email sms"), NOW) == {"email": 3, "sms": 1}
    assert offers.recipients(draft("sms"), NOW) == {"email": 0, "sms": 1}
    assert optin.count("email", NOW - dt.timedelta(days=1)) == 4


def test_once_sending_was_asked_the_counts_are_those_taken_then(table: MemoryTable) -> None:
    on_list(table, "c1", "email")
    sending = draft("email", status=offers.SENDING, reach_email=7, reach_sms=0)
    assert offers.recipients(sending, NOW) == {"email": 7, "sms": 0}
    assert table.queries == []  # no list is read


def test_the_sender_takes_a_list_in_pages_in_customer_order(table: MemoryTable) -> None:
    for customer_id in ("c5", "c1", "c3", "c2", "c4"):
        on_list(table, customer_id, "email")
    on_list(table, "c9", "sms")
    assert optin.page("email", None, 2) == ["c1", "c2"]
    assert optin.page("email", "c2", 2) == ["c3", "c4"]
    assert optin.page("email", "c4", 2) == ["c5"]
    assert optin.page("email", "c5", 2) == []
