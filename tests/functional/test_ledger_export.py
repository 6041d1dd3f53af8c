"""The operator's bookkeeping export: `allavie ledger --year YYYY`."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from allavie import cli
from chalicelib.core.clock import STOCKHOLM
from chalicelib.payments import ledger


def test_the_year_export_is_csv_by_date_with_a_total(table: None, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.record_payment("b2", "pi_2", "ch_2", 80000, dt.datetime(2027, 1, 2, 10, 0, tzinfo=STOCKHOLM))
    ledger.record_payment("b1", "pi_1", "ch_1", 50000, dt.datetime(2026, 12, 30, 9, 0, tzinfo=STOCKHOLM))
    ledger.record_refund("b1", "pi_1", "re_1", 50000, dt.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM))
    ledger.record_payment("b0", "pi_0", "ch_0", 30000, dt.datetime(2026, 3, 1, 12, 0, tzinfo=STOCKHOLM))

    assert cli.main(["ledger", "--year", "2026"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == list(ledger.CSV_COLUMNS)
    body = rows[1:-1]
    assert [(r[0], r[1], r[2], r[4], r[6]) for r in body] == [
        ("2026-03-01", "payment", "300.00", "b0", "ch_0"),
        ("2026-12-30", "payment", "500.00", "b1", "ch_1"),
        ("2026-12-31", "refund", "-500.00", "b1", "re_1"),
    ]
    assert rows[-1][:4] == ["total", "", "300.00", "SEK"]


def test_a_year_is_required_and_checked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["ledger", "--year", "twenty"])
    assert "year" in capsys.readouterr().err
