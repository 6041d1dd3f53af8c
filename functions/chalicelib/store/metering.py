"""What the table is asked, counted: requests by operation and the capacity units DynamoDB says they used.

Through botocore's event hooks on the very client the models use (no patching): ``counting()`` asks every
call that can for ``ReturnConsumedCapacity=TOTAL`` and adds up the answers. For the tests that bound a
report's reads and for ``bench/cost.py``; the product never turns it on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .table import Item

READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}


@dataclass
class Meter:
    requests: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    write_units: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def _clients() -> list[Any]:
    """Every model's botocore client (pynamodb gives each model class its own connection)."""
    found: dict[int, Any] = {}
    stack: list[type[Item]] = [Item]
    while stack:
        cls = stack.pop()
        client = cls._get_connection().connection.client
        found[id(client)] = client
        stack.extend(cls.__subclasses__())
    return list(found.values())


@contextmanager
def counting() -> Iterator[Meter]:
    """Count the DynamoDB calls made in this process while the block runs."""
    meter = Meter()
    clients = _clients()

    def ask_for_capacity(params: dict[str, Any], model: Any, **_: Any) -> None:
        if "ReturnConsumedCapacity" in getattr(model.input_shape, "members", {}):
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def count(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        meter.requests[model.name] += 1
        used = parsed.get("ConsumedCapacity")
        for part in used if isinstance(used, list) else [used] if used else []:
            units = float(part.get("CapacityUnits") or 0)
            if model.name in READS:
                meter.read_units += units
            else:
                meter.write_units += units

    for client in clients:
        client.meta.events.register("before-parameter-build.dynamodb", ask_for_capacity, unique_id="allavie-meter-ask")
        client.meta.events.register("after-call.dynamodb", count, unique_id="allavie-meter-count")
    try:
        yield meter
    finally:
        for client in clients:
            client.meta.events.unregister("before-parameter-build.dynamodb", unique_id="allavie-meter-ask")
            client.meta.events.unregister("after-call.dynamodb", unique_id="allavie-meter-count")
