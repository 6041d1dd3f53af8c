"""The reads of the repositories (``*_repo.py``, ``lookups``) as plain values, and the seam that tests swap.

A repository describes each read as a ``Query`` (a partition, a sort-key range, an index, "live at",
a limit) or a key; the ``Engine`` answers it. ``DynamoEngine`` asks DynamoDB through pynamodb;
``store.memory.MemoryTable`` answers from items held in memory, so a unit test of a domain rule
(free time, who an offer reaches, what an expiry moves, what a refund may take) runs without a
server: ``with engine.use(MemoryTable(...)):``. Writes (``store.tx``) always go to DynamoDB: their
conditions, transactions and races are proved against DynamoDB Local.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from .table import Item, live

ItemT = TypeVar("ItemT", bound=Item)
Index = Literal["", "gsi1", "gsi2"]


@dataclass(frozen=True)
class Range:
    """A condition on the sort key (of the table or of the index queried)."""

    op: Literal["between", "begins", ">", "<", "<="]
    low: str
    high: str = ""

    def holds(self, value: str | None) -> bool:
        if value is None:
            return False
        if self.op == "between":
            return self.low <= value <= self.high
        if self.op == "begins":
            return value.startswith(self.low)
        if self.op == ">":
            return value > self.low
        if self.op == "<":
            return value < self.low
        return value <= self.low


@dataclass(frozen=True)
class Query:
    """One Query of the table (``index`` "") or of an index, as DynamoDB runs it, in sort-key order."""

    pk: str
    sk: Range | None = None
    index: Index = ""
    model: type[Item] = Item      # a kind of item (the table only): others are left out
    live_at: dt.datetime | None = None  # leave out items whose ``expires_at`` has passed by then
    where: tuple[str, str] | None = None  # and those whose attribute (name, value) differs
    consistent: bool = False
    limit: int | None = None
    forward: bool = True
    keys_only: bool = False       # only the keys and the expiry are needed (a count)


class Engine(Protocol):
    def query(self, query: Query) -> Iterator[Item]: ...

    def get(self, model: type[ItemT], key: tuple[str, str], consistent: bool) -> ItemT | None: ...

    def batch_get(self, model: type[ItemT], keys: Sequence[tuple[str, str]], consistent: bool) -> Iterator[ItemT]: ...


class DynamoEngine:
    """The real table, through pynamodb."""

    def query(self, query: Query) -> Iterator[Item]:
        sort = {"": Item.sk, "gsi1": Item.gsi1sk, "gsi2": Item.gsi2sk}[query.index]
        condition: Condition | None = None
        if query.sk is not None:
            if query.sk.op == "between":
                condition = sort.between(query.sk.low, query.sk.high)
            elif query.sk.op == "begins":
                condition = sort.startswith(query.sk.low)
            elif query.sk.op == ">":
                condition = sort > query.sk.low
            elif query.sk.op == "<":
                condition = sort < query.sk.low
            else:
                condition = sort <= query.sk.low
        wanted: Condition | None = live(query.live_at) if query.live_at is not None else None
        if query.where is not None:
            same = getattr(query.model, query.where[0]) == query.where[1]
            wanted = same if wanted is None else wanted & same
        attributes = ["pk", "expires_at"] if query.keys_only else None
        if query.index == "gsi1":
            return iter(Item.by_gsi1.query(query.pk, condition, filter_condition=wanted, limit=query.limit,
                                           scan_index_forward=query.forward, attributes_to_get=attributes))
        if query.index == "gsi2":
            return iter(Item.by_expiry.query(query.pk, condition, filter_condition=wanted, limit=query.limit,
                                             scan_index_forward=query.forward, attributes_to_get=attributes))
        return iter(query.model.query(query.pk, condition, filter_condition=wanted, consistent_read=query.consistent,
                                      limit=query.limit, scan_index_forward=query.forward,
                                      attributes_to_get=attributes))

    def get(self, model: type[ItemT], key: tuple[str, str], consistent: bool) -> ItemT | None:
        try:
            return model.get(*key, consistent_read=consistent)
        except DoesNotExist:
            return None

    def batch_get(self, model: type[ItemT], keys: Sequence[tuple[str, str]], consistent: bool) -> Iterator[ItemT]:
        return iter(model.batch_get(list(keys), consistent_read=consistent))


_engine: list[Engine] = []


def engine() -> Engine:
    """The engine in use: DynamoDB, unless a test put another in with ``use``."""
    if not _engine:
        _engine.append(DynamoEngine())
    return _engine[-1]


@contextmanager
def use(replacement: Engine) -> Iterator[Engine]:
    """Answer reads from ``replacement`` inside the ``with`` (tests: ``store.memory.MemoryTable``)."""
    engine()
    _engine.append(replacement)
    try:
        yield replacement
    finally:
        _engine.remove(replacement)
