"""The store is the one door to the table: outside ``chalicelib/store/`` no code calls a pynamodb method on
a model class or one of its indexes (``Item.query``, ``Item.by_gsi1.query``, ``Customer.batch_get`` ...),
and no item key is spelled out (``"CAL#..."``, ``f"LOCK#{staff}"``): the store's repositories build them.

``python -m allavie.lint.store_door functions`` prints each offence as ``path:line: what`` and exits 1 if
there is one. A model is any name imported from ``store.models`` / ``store.table`` (absolute or relative),
any class defined in the module on top of one, and pynamodb's ``Model``; a module imported as a name
(``from chalicelib.store import models``) counts through its attributes.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

METHODS = frozenset({"query", "scan", "get", "batch_get", "count", "save", "delete", "update", "refresh",
                     "batch_write"})
INDEX_METHODS = frozenset({"query", "scan", "count"})  # ``Item.by_gsi1.query``; ``Item.blocks.delete`` is an action
MODEL_MODULES = re.compile(r"(^|\.)store\.(models(\.\w+)?|table)$")
MODEL_PACKAGES = re.compile(r"(^|\.)store$")  # ``from ..store import models``
PYNAMODB = re.compile(r"^pynamodb(\.|$)")
# The prefixes of the table's keys (docs/architecture.md, "The table"): only the store writes them.
KEY_PREFIX = re.compile(r"^(CUST|EMAIL|PHONE|BOOKING|REF|FIND|ACCESS|CONSENT|MSG|EMAIL_CHANGE|OPTIN|OFFER|OFFERS|"
                        r"FOLLOWUP|LOCK|BLOCK|BLOCKS|STAFF|FAIL|SIGNIN|SESSION|FEED|STRIPE_EVENT|LEDGER|"
                        r"LEDGER_YEAR|CLAIM|RECEIPT|RECEIPT_YEAR|RECEIPT_SERIES|COOKIE|DSR|STATS|RATE|DELETIONS|"
                        r"PHOTO|COMPLAINT|COMPLAINTS|CAL|OUTBOX|EXPIRY)(#|$)")
KEY_FUNCTIONS = frozenset({"customer_pk", "staff_pk"})  # the store's own key builders: the repositories call them
SKIP = ("chalicelib/store/",)


@dataclass(frozen=True)
class Offence:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(the names bound to model classes, the names bound to the store's model modules)."""
    models: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                bound = alias.asname or alias.name
                if MODEL_MODULES.search(source.lstrip(".")) or (PYNAMODB.search(source) and alias.name == "Model"):
                    models.add(bound)
                elif MODEL_PACKAGES.search(source.lstrip(".")) and alias.name in ("models", "table"):
                    modules.add(bound)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if MODEL_MODULES.search(alias.name) and alias.asname:
                    modules.add(alias.asname)
    changed = True
    while changed:  # classes built on a model are models too
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name not in models and any(
                    _is_model(base, models, modules) for base in node.bases):
                models.add(node.name)
                changed = True
    return models, modules


def _is_model(node: ast.expr, models: set[str], modules: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in models
    if isinstance(node, ast.Attribute):
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id in modules
    return False


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings (they may name keys); an f-string is judged whole."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def offences(path: Path, source: str) -> Iterator[Offence]:
    tree = ast.parse(source, filename=str(path))
    models, modules = _names(tree)
    docstrings = _docstrings(tree)
    docstrings |= {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEY_FUNCTIONS & models:
            yield Offence(path, node.lineno, f"{node.func.id}(...) outside store/: use a store repository's key")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in METHODS:
            target = node.func.value
            direct = _is_model(target, models, modules)
            index = (node.func.attr in INDEX_METHODS and isinstance(target, ast.Attribute)
                     and _is_model(target.value, models, modules))
            if direct or index:
                yield Offence(path, node.lineno,
                              f"{ast.unparse(node.func)}(...) outside store/: read and write through a store repository")
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and KEY_PREFIX.match(first.value):
                yield Offence(path, node.lineno, f"key {first.value!r}... built outside store/: use the store's key function")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and KEY_PREFIX.match(node.value)):
            yield Offence(path, node.lineno, f"key {node.value!r} outside store/: use the store's key function")


def _files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in candidates:
            if not any(part in path.as_posix() for part in SKIP) and "/.venv/" not in path.as_posix():
                yield path


def check(roots: Sequence[Path]) -> list[Offence]:
    found: list[Offence] = []
    for path in _files(roots):
        found.extend(offences(path, path.read_text(encoding="utf-8")))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    roots = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [Path("functions")]
    found = check(roots)
    for offence in found:
        print(offence)
    if found:
        print(f"{len(found)} offence(s): only functions/chalicelib/store/ talks to the table", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
