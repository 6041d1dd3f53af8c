"""The table's stream as its handlers read it: DynamoDB's attribute-value shapes (``{"S": ...}``,
``{"N": ...}``) stay in the storage layer, as the models' do."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .table import Item


@dataclass(frozen=True)
class Change:
    """An item written (INSERT or MODIFY): its new image and, for a MODIFY, the old one."""

    new: Mapping[str, Any]
    old: Mapping[str, Any]
    sequence: int = 0  # the record's SequenceNumber: grows per item, so an older record can be told apart


def written(records: Iterable[Mapping[str, Any]]) -> Iterator[Change]:
    """The records that wrote an item; removals (TTL's included) are the retention's (``retention.sweeper``)."""
    for record in records:
        if record.get("eventName") not in ("INSERT", "MODIFY"):
            continue
        stream = record.get("dynamodb") or {}
        try:
            sequence = int(stream.get("SequenceNumber") or 0)
        except ValueError:
            sequence = 0
        yield Change(new=stream.get("NewImage") or {}, old=stream.get("OldImage") or {}, sequence=sequence)


def item(image: Mapping[str, Any]) -> Item | None:
    """The image as the model of its kind (a Booking, a LedgerEntry, ...), or None for an odd one."""
    if not image or "kind" not in image:
        return None
    try:
        return Item.from_raw_data(dict(image))
    except Exception:  # noqa: BLE001 - an image of an unknown kind or shape is not ours to read
        return None


def text(image: Mapping[str, Any], name: str) -> str:
    return str((image.get(name) or {}).get("S") or "")


def number(image: Mapping[str, Any], name: str) -> int:
    try:
        return int((image.get(name) or {}).get("N") or 0)
    except ValueError:
        return 0
