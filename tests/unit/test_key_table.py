"""docs/architecture.md's key table is the models' declared keys (``Item.KEYS``), row for row: a kind of item
added without its row, a row left after its item went, or a key changed on one side only fails here."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from chalicelib.store import keytable
from chalicelib.store.models import Customer, Item
from chalicelib.store.table import Keys

DOCUMENT = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_documented_table_is_the_models_keys() -> None:
    assert keytable.differences(DOCUMENT, keytable.kinds()) == [], keytable.render(keytable.kinds())


def test_every_kind_of_item_is_in_the_table() -> None:
    names = {kind.__name__ for kind in keytable.kinds()}
    assert {"Photo", "Complaint", "SignInFailure", "BlockMarker", "OptIn"} <= names
    assert set(keytable.rows(DOCUMENT)) == names


def test_a_model_added_without_a_row_fails() -> None:
    planted = cast(type[Item], type("Voucher", (), {"KEYS": Keys(pk="`VOUCHER#<id>`", sk="`VOUCHER`")}))
    assert keytable.differences(DOCUMENT, [*keytable.kinds(), planted]) == ["Voucher: no row in the key table"]


def test_a_model_without_declared_keys_fails() -> None:
    planted = cast(type[Item], type("Undeclared", (), {"KEYS": None}))
    assert keytable.differences(DOCUMENT, [*keytable.kinds(), planted]) == ["Undeclared: the model declares no KEYS"]


def test_a_key_changed_on_one_side_fails() -> None:
    drifted = DOCUMENT.replace("| Customer | `CUST#<cid>` | `PROFILE` |", "| Customer | `CUSTOMER#<cid>` | `PROFILE` |")
    assert drifted != DOCUMENT
    problems = keytable.differences(drifted, keytable.kinds())
    assert len(problems) == 1 and problems[0].startswith("Customer: the table says")


def test_a_row_without_its_model_fails() -> None:
    without = [kind for kind in keytable.kinds() if kind is not Customer]
    assert keytable.differences(DOCUMENT, without) == ["Customer: a row, but no such kind of item"]


def test_the_rendered_table_reads_back_as_the_declarations() -> None:
    rendered = keytable.render(keytable.kinds())
    assert keytable.differences(rendered, keytable.kinds()) == []
