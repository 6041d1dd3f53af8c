"""The expiry index (gsi2, one partition ``EXPIRY`` sorted by ``<expiry epoch, 11 digits>#<pk>#<sk>``):
pattern 10 of docs/architecture.md. Only roots are in it: customers' profiles and items with a retention
of their own."""

from __future__ import annotations

from collections.abc import Iterator

from .engine import Query, Range, engine
from .models import EXPIRY_PARTITION, Item, customer_pk

CUSTOMER, PROFILE = customer_pk(""), "PROFILE"


def expiring_by(epoch: int) -> list[Item]:
    """Pattern 10: every root whose expiry (epoch seconds) is at or before ``epoch``, soonest first."""
    return list(engine().query(Query(EXPIRY_PARTITION, Range("<", f"{epoch + 1:011d}"), "gsi2")))


def customers() -> Iterator[str]:
    """The id of every customer with a profile in the index (``allavie staff reindex``), soonest expiry first."""
    for root in engine().query(Query(EXPIRY_PARTITION, index="gsi2")):
        if root.sk == PROFILE and root.pk.startswith(CUSTOMER):
            yield root.pk.removeprefix(CUSTOMER)
