"""An in-memory table for unit tests of domain rules: it answers the repositories' reads (``engine.Query``,
GetItem, BatchGetItem) as DynamoDB would, from the items a test puts in (``MemoryTable(items)``).

It holds no conditions and no transactions: writes go through ``store.tx`` to DynamoDB, and the tests
that prove them run against DynamoDB Local. Never imported by the Lambda.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from .engine import ItemT, Query
from .table import Item


class MemoryTable:
    """The engine of ``engine.use`` for tests; ``put`` adds or replaces an item by its keys."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self.items: dict[tuple[str, str], Item] = {}
        self.queries: list[Query] = []  # what was asked, so a test can count the reads
        for item in items:
            self.put(item)

    def put(self, item: Item) -> Item:
        self.items[(item.pk, item.sk)] = item
        return item

    def query(self, query: Query) -> Iterator[Item]:
        self.queries.append(query)
        keys = {"": ("pk", "sk"), "gsi1": ("gsi1pk", "gsi1sk"), "gsi2": ("gsi2pk", "gsi2sk")}[query.index]
        found = [item for item in self.items.values()
                 if getattr(item, keys[0]) == query.pk and getattr(item, keys[1]) is not None
                 and (query.index or isinstance(item, query.model))
                 and (query.sk is None or query.sk.holds(getattr(item, keys[1])))]
        found.sort(key=lambda item: str(getattr(item, keys[1])), reverse=not query.forward)
        if query.live_at is not None:
            found = [item for item in found if item.is_live(query.live_at)]
        if query.where is not None:
            name, value = query.where
            found = [item for item in found if getattr(item, name, None) == value]
        return iter(found[:query.limit] if query.limit is not None else found)

    def get(self, model: type[ItemT], key: tuple[str, str], consistent: bool) -> ItemT | None:
        found = self.items.get(key)
        return found if isinstance(found, model) else None

    def batch_get(self, model: type[ItemT], keys: Sequence[tuple[str, str]], consistent: bool) -> Iterator[ItemT]:
        return iter([found for key in keys if (found := self.get(model, key, consistent)) is not None])
