"""The one way to write: conditional single writes, labelled transactions, and many writes in batches.

Every failed condition comes back as ``store.errors.ConditionFailed`` (for a
transaction with the labels of the parts whose condition failed), so no other
module compares DynamoDB's error strings or imports pynamodb's exceptions.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from .connection import transaction
from .engine import engine
from .errors import TRANSACTION_CONFLICT, ConditionFailed
from .table import Item

TRANSACTION_LIMIT = 100  # items per TransactWriteItems
CONDITION_CODE = "ConditionalCheckFailedException"
CONTENDED = ("TransactionInProgressException", "TransactionConflictException",
             "ProvisionedThroughputExceededException", "ThrottlingException")

ItemT = TypeVar("ItemT", bound=Item)


# --- one item ---------------------------------------------------------------------------------------


def get(model: type[ItemT], key: tuple[str, str], *, consistent: bool = True) -> ItemT | None:
    """The item under ``key`` (read consistently by default), or None. Expiry is the caller's business."""
    return engine().get(model, key, consistent)


def put(item: Item, condition: Condition | None = None) -> None:
    """Write a whole item; ConditionFailed when ``condition`` does not hold."""
    try:
        item.save(condition=condition)
    except PutError as error:
        _raise_if_condition(error)
        raise


def update(item: Item, actions: Sequence[Action], condition: Condition | None = None) -> None:
    """Change named attributes (the item is refreshed with what DynamoDB returns); ConditionFailed as ``put``."""
    try:
        item.update(actions=list(actions), condition=condition)
    except UpdateError as error:
        _raise_if_condition(error)
        raise


def delete(item: Item, condition: Condition | None = None) -> None:
    try:
        item.delete(condition=condition)
    except DeleteError as error:
        _raise_if_condition(error)
        raise


def _raise_if_condition(error: PutError | UpdateError | DeleteError) -> None:
    if error.cause_response_code == CONDITION_CODE:
        raise ConditionFailed() from None


# --- one transaction, with names for its parts ---------------------------------------------------------


@dataclass
class Tx:
    """A TransactWriteItems whose cancellation reasons can be read by label.

    pynamodb sends condition checks, deletes, puts, updates in that order, so
    the labels are kept in the same order to match DynamoDB's reasons.
    """

    checks: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)
    deletes: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)
    puts: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)
    updates: list[tuple[str, Callable[[TransactWrite], None]]] = field(default_factory=list)

    def check(self, label: str, model: type[Item], key: tuple[str, str], condition: Condition) -> None:
        self.checks.append((label, lambda tx: tx.condition_check(model, key[0], key[1], condition=condition)))

    def delete(self, label: str, item: Item, condition: Condition | None = None) -> None:
        self.deletes.append((label, lambda tx: tx.delete(item, condition=condition)))

    def put(self, label: str, item: Item, condition: Condition | None = None) -> None:
        self.puts.append((label, lambda tx: tx.save(item, condition=condition)))

    def update(self, label: str, item: Item, actions: list[Action], condition: Condition | None = None) -> None:
        self.updates.append((label, lambda tx: tx.update(item, actions, condition=condition)))

    def __len__(self) -> int:
        return len(self.checks) + len(self.deletes) + len(self.puts) + len(self.updates)

    def commit(self) -> None:
        """Write all or nothing; ConditionFailed (with the labels and DynamoDB's reasons) when cancelled."""
        ordered = self.checks + self.deletes + self.puts + self.updates
        try:
            with transaction() as written:
                for _, add in ordered:
                    add(written)
        except TransactWriteError as error:
            code = error.cause_response_code
            if code == "TransactionCanceledException":
                failed: dict[str, set[str]] = {}
                for (label, _), reason in zip(ordered, error.cancellation_reasons, strict=False):
                    if reason is not None and reason.code not in (None, "None"):
                        failed.setdefault(label, set()).add(str(reason.code))
                raise ConditionFailed(failed or {"?": {TRANSACTION_CONFLICT}}) from None
            if code in CONTENDED:
                raise ConditionFailed({"?": {TRANSACTION_CONFLICT}}) from None
            raise


def backoff(attempt: int) -> None:
    """A short, growing, jittered pause before retrying a contended transaction."""
    time.sleep(random.uniform(0.005, 0.03) * attempt)  # noqa: S311 - jitter, not secrecy


# --- many items, batched and conditional -----------------------------------------------------------------


@dataclass
class Write:
    """One conditional write: an update when ``actions`` is given, else a delete (or ``put``)."""

    item: Item
    condition: Condition | None = None
    actions: Sequence[Action] | None = None
    put: bool = False


@dataclass
class Outcome:
    written: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)  # their condition did not hold
    requests: int = 0


def write_all(writes: Sequence[Write]) -> Outcome:
    """Apply ``writes`` in TransactWriteItems of up to 100.

    A transaction is cancelled as a whole when one condition fails or another
    writer touches one of its items at the same moment; then that chunk is
    written item by item, skipping (and reporting) the items whose condition
    no longer holds. Nothing is written twice and nothing unconditionally.
    """
    outcome = Outcome()
    for start in range(0, len(writes), TRANSACTION_LIMIT):
        chunk = writes[start:start + TRANSACTION_LIMIT]
        outcome.requests += 1
        try:
            with transaction() as written:
                for write in chunk:
                    if write.put:
                        written.save(write.item, condition=write.condition)
                    elif write.actions is not None:
                        written.update(write.item, list(write.actions), condition=write.condition)
                    else:
                        written.delete(write.item, condition=write.condition)
            outcome.written.extend(write.item for write in chunk)
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
            for write in chunk:
                outcome.requests += 1
                if _write_one(write):
                    outcome.written.append(write.item)
                else:
                    outcome.skipped.append(write.item)
    return outcome


def _write_one(write: Write) -> bool:
    try:
        if write.put:
            put(write.item, write.condition)
        elif write.actions is not None:
            update(write.item, write.actions, write.condition)
        else:
            delete(write.item, write.condition)
        return True
    except ConditionFailed:
        return False
