"""``allavie.lint.store_door``: outside functions/chalicelib/store/ no pynamodb call on a model or its index,
and no item key spelled out. The real tree passes; each planted module fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from allavie.lint import store_door

ROOT = Path(__file__).resolve().parents[2]

BAD = {
    "query_on_model": "from ..store.models import LedgerEntry\n\ndef rows(b):\n    return LedgerEntry.query(b)\n",
    "index_query": "from chalicelib.store.models import Item\n\ndef due():\n    return list(Item.by_gsi1.query('X'))\n",
    "batch_get": "from ..store.models import Customer as C\n\ndef many(keys):\n    return C.batch_get(keys)\n",
    "model_module": "from ..store import models\n\ndef one(k):\n    return models.Customer.get(*k)\n",
    "subclass": "from ..store.table import Item\n\nclass Mine(Item):\n    pass\n\ndef all_():\n    return Mine.scan()\n",
    "pynamodb_model": "from pynamodb.models import Model\n\ndef n():\n    return Model.count()\n",
    "save_on_class": "from ..store.models import Offer\n\ndef go(o):\n    Offer.save(o)\n",
    "key_fstring": "def pk(staff):\n    return f'LOCK#{staff}'\n",
    "key_constant": "BLOCKS = 'BLOCKS'\n",
    "key_function": "from ..store.models import customer_pk\n\ndef pk(c):\n    return customer_pk(c)\n",
}

GOOD = '''"""A docstring may name ``CAL#<yyyy-mm>`` and ``LOCK#<staff>``."""
from ..store import calendar_repo, tx
from ..store.models import BlockMarker, Booking


def fine(booking: Booking, now: object) -> object:
    tx.update(booking, [Booking.status.set("x"), BlockMarker.blocks.delete({"a"})])
    settings = {"a": 1}
    settings.get("a")
    return calendar_repo.blocks_running(now, now)
'''


def test_the_real_tree_keeps_the_door() -> None:
    assert [str(o) for o in store_door.check([ROOT / "functions", ROOT / "infra" / "allavie"])] == []


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_planted_offence_fails(tmp_path: Path, name: str) -> None:
    module = tmp_path / "functions" / "chalicelib" / "booking" / f"{name}.py"
    module.parent.mkdir(parents=True)
    module.write_text(BAD[name], encoding="utf-8")
    found = store_door.check([tmp_path / "functions"])
    assert len(found) == 1 and found[0].path == module, found


def test_what_is_no_offence(tmp_path: Path) -> None:
    module = tmp_path / "functions" / "chalicelib" / "booking" / "good.py"
    module.parent.mkdir(parents=True)
    module.write_text(GOOD, encoding="utf-8")
    assert store_door.check([tmp_path / "functions"]) == []


def test_the_store_itself_may(tmp_path: Path) -> None:
    module = tmp_path / "functions" / "chalicelib" / "store" / "ledger_repo.py"
    module.parent.mkdir(parents=True)
    module.write_text(BAD["query_on_model"] + BAD["key_fstring"], encoding="utf-8")
    assert store_door.check([tmp_path / "functions"]) == []


def test_the_command_exits_1_on_a_planted_module(tmp_path: Path) -> None:
    module = tmp_path / "functions" / "chalicelib" / "staff" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text(BAD["index_query"], encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "allavie.lint.store_door", str(tmp_path / "functions")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "Item.by_gsi1.query" in bad.stdout and "bad.py:4" in bad.stdout
    good = subprocess.run([sys.executable, "-m", "allavie.lint.store_door", "functions", "infra/allavie"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
