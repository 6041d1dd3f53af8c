"""The one DynamoDB table, and what every kind of item in it shares.

Single-table design. Each kind of item (``store.models``) declares its keys in ``KEYS``: the key table of
docs/architecture.md ("The table") is checked against those declarations by
``tests/unit/test_key_table.py`` (``store.keytable``), so the two cannot drift; the table is written down
there and nowhere else. Everything in a customer's partition (``CUST#<cid>``) and their EmailKey carries
the customer's expiry (retention); the profile alone is in gsi2, because deleting a customer deletes the
whole partition (pattern 10 without a Scan).

``expires_at`` is the TTL attribute. DynamoDB deletes within about two days of
it and DynamoDB Local never does, so every read filters on it (``live()``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from pynamodb.attributes import (
    DiscriminatorAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

EXPIRY_PARTITION = "EXPIRY"

__all__ = ["EXPIRY_PARTITION", "Action", "ByExpiry", "ByGsi1", "Condition", "Item", "Keys", "customer_of", "customer_pk",
           "live"]


@dataclass(frozen=True)
class Keys:
    """How a kind of item is keyed, as docs/architecture.md's key table shows it (Markdown cells):
    ``gsi1`` its keys in gsi1 (partition / sort), ``gsi2`` "expiry" when it is a root, ``patterns`` the
    numbers of the access patterns it serves."""

    pk: str
    sk: str
    gsi1: str = ""
    gsi2: str = ""
    patterns: str = ""


class ByGsi1(GlobalSecondaryIndex["Item"]):
    """Bookings by month (6, 13), blocks by end (13), bookings by id and customers by term (staff), ledger rows by year (8)."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByExpiry(GlobalSecondaryIndex["Item"]):
    """What expires by a given day (10): one partition, sorted by expiry.

    One partition is plenty at a clinic's scale (a few writes a minute);
    only roots are in it, never every item of a customer.
    """

    class Meta:
        index_name = "gsi2"
        projection = IncludeProjection(["kind", "expires_at"])

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """The table. Subclasses are the kinds of item; ``kind`` tells them apart."""

    class Meta:
        table_name = "allavie"  # db.bind() sets the real name, host and region
        region = "eu-north-1"
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"  # the outbox's sender and the TTL cascade read it

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)

    by_gsi1 = ByGsi1()
    by_expiry = ByExpiry()

    KEYS: ClassVar[Keys | None] = None  # every kind of item declares its own

    def index_expiry(self) -> None:
        """Put this root item in the expiry index under its ``expires_at``."""
        if self.expires_at is None:
            self.gsi2pk = self.gsi2sk = None
        else:
            self.gsi2pk = EXPIRY_PARTITION
            self.gsi2sk = f"{int(self.expires_at.timestamp()):011d}#{self.pk}#{self.sk}"

    def is_live(self, now: dt.datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


def live(now: dt.datetime) -> Condition:
    """Filter for reads: items whose retention has not passed."""
    return Item.expires_at.does_not_exist() | (Item.expires_at > now)


def customer_pk(customer_id: str) -> str:
    return f"CUST#{customer_id}"


def customer_of(pk: str) -> str | None:
    """The customer id of a partition key in a customer's partition (``CUST#<cid>``), else None."""
    return pk.removeprefix("CUST#") if pk.startswith("CUST#") else None
