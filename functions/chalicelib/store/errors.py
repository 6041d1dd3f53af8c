"""What the store says when a write could not be made (the rest of DynamoDB's errors stay errors)."""

from __future__ import annotations

from ..core.errors import AllavieError

CONDITION_FAILED = "ConditionalCheckFailed"
TRANSACTION_CONFLICT = "TransactionConflict"


class StoreError(AllavieError):
    """A write the store refused on purpose; nothing of it was written."""


class ConditionFailed(StoreError):
    """A condition did not hold. For a transaction, ``reasons`` names, per label of its parts,
    the codes DynamoDB gave (``ConditionalCheckFailed``, ``TransactionConflict`` ...)."""

    def __init__(self, reasons: dict[str, set[str]] | None = None) -> None:
        self.reasons: dict[str, set[str]] = dict(reasons or {})
        super().__init__(f"condition failed: {self.reasons}")

    def failed(self, label: str) -> bool:
        """The condition of a part with this label did not hold."""
        return CONDITION_FAILED in self.reasons.get(label, ())

    @property
    def contended(self) -> bool:
        """Another writer had one of the items at that instant (or DynamoDB throttled): try again."""
        return any(TRANSACTION_CONFLICT in codes for codes in self.reasons.values())
