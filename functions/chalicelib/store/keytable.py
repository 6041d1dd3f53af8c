"""The key table of docs/architecture.md ("The table"), from the models' own declarations (``Item.KEYS``).

``differences(document, kinds())`` names every row that is missing, left over or different: a kind of
item added without a row, a row whose item is gone, a key changed on one side only. The unit test
``tests/unit/test_key_table.py`` runs it on the real document; ``python -m chalicelib.store.keytable``
prints the table as it should read. Never imported by the Lambda.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence

from .table import Item, Keys

HEADER = "| item | pk | sk | gsi1 (pk / sk) | gsi2 | patterns |"


def kinds() -> list[type[Item]]:
    """Every kind of item (each subclass of ``Item`` with a discriminator), in the order they are defined."""
    from . import models  # noqa: F401 - defines them

    found: list[type[Item]] = []
    pending = list(Item.__subclasses__())
    while pending:
        kind = pending.pop(0)
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def cells(keys: Keys) -> tuple[str, str, str, str, str]:
    return keys.pk, keys.sk, keys.gsi1, keys.gsi2, keys.patterns


def render(models: Iterable[type[Item]]) -> str:
    """The table in Markdown, one row per kind of item."""
    lines = [HEADER, "|---|---|---|---|---|---|"]
    for model in models:
        keys = model.KEYS
        shown = cells(keys) if keys is not None else ("?",) * 5
        lines.append("| " + " | ".join([model.__name__, *shown]) + " |")
    return "\n".join(re.sub(r"\|\s+\|", "| |", line) for line in lines)


def rows(document: str) -> dict[str, tuple[str, ...]]:
    """The document's key table: item name -> its cells (stripped)."""
    lines = document.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADER), None)
    if start is None:
        raise ValueError(f"no key table (header {HEADER!r}) in the document")
    found: dict[str, tuple[str, ...]] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        name, *rest = (cell.strip() for cell in line.strip().strip("|").split("|"))
        found[name] = tuple(rest)
    return found


def differences(document: str, models: Sequence[type[Item]]) -> list[str]:
    """What differs between the document's key table and the models' declared keys (empty: none)."""
    written = rows(document)
    problems: list[str] = []
    for model in models:
        name = model.__name__
        if model.KEYS is None:
            problems.append(f"{name}: the model declares no KEYS")
        elif name not in written:
            problems.append(f"{name}: no row in the key table")
        elif written[name] != cells(model.KEYS):
            problems.append(f"{name}: the table says {written[name]}, the model {cells(model.KEYS)}")
    known = {model.__name__ for model in models}
    problems += [f"{name}: a row, but no such kind of item" for name in written if name not in known]
    return problems


if __name__ == "__main__":
    sys.stdout.write(render(kinds()) + "\n")
