"""The table's stream as its handlers read it: DynamoDB's attribute-value shapes (``{"S": ...}``,
``{"N": ...}``) stay in the storage layer, as the models' do."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """An item written (INSERT or MODIFY): its new image and, for a MODIFY, the old one."""

    new: Mapping[str, Any]
    old: Mapping[str, Any]


def written(records: Iterable[Mapping[str, Any]]) -> Iterator[Change]:
    """The records that wrote an item; removals (TTL's included) are the retention's (``retention.sweeper``)."""
    for record in records:
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        stream = record.get("dynamodb") or {}
        yield Change(new=stream.get("NewImage") or {}, old=stream.get("OldImage") or {})


def text(image: Mapping[str, Any], name: str) -> str:
    return str((image.get(name) or {}).get("S") or "")


def number(image: Mapping[str, Any], name: str) -> int:
    try:
        return int((image.get(name) or {}).get("N") or 0)
    except ValueError:
        return 0
