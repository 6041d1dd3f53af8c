"""``allavie rights``: the operator answers requests that came by e-mail or phone."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from allavie import cli
from allavie.commands import rights as rights_cmd
from chalicelib.store.models import Customer, EmailKey, Item, RightsRequest
from support.booking_data import answer, body, post

NOW = "2027-03-20T12:00:00+01:00"


def now() -> dt.datetime:
    return dt.datetime.fromisoformat(NOW)


@pytest.fixture()
def astrid(client, monkeypatch) -> str:
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    made = post(client, "/bookings", body(note="Ring före kl 9"))
    assert made.status_code == 201, made.body
    return str(answer(made)["booking"]["id"])


def test_export_by_address_prints_the_registerutdrag(astrid) -> None:
    out = io.StringIO()
    document = rights_cmd.export(" Astrid@Example.se", out, received="2027-03-18", now=now())
    assert document is not None
    printed = json.loads(out.getvalue())
    assert printed["customer"]["email"] == "astrid@example.se"
    assert printed["bookings"][0]["booking_id"] == astrid and printed["bookings"][0]["note"] == "Ring före kl 9"
    [record] = [r for r in RightsRequest.scan() if r.channel == "operator"]
    assert (record.request_type, record.outcome) == ("access", "exported")
    assert record.received_at.date() == dt.date(2027, 3, 18) and record.answered_at == now()


def test_export_of_an_unknown_address_writes_nothing_and_is_recorded(astrid) -> None:
    out = io.StringIO()
    assert rights_cmd.export("nobody@example.se", out, now=now()) is None
    assert out.getvalue() == ""
    assert [r.outcome for r in RightsRequest.scan()] == ["no_data"]


def test_erase_by_address_through_the_command_line(astrid, capsys) -> None:
    assert cli.main(["rights", "erase", "--email", "astrid@example.se", "--yes", "--received", "2027-03-19"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cancelled"] == 1 and any(k["kind"] == "rights_request" for k in result["kept"])
    assert not [i for i in Item.scan() if isinstance(i, Customer | EmailKey)]
    assert cli.main(["rights", "erase", "--email", "astrid@example.se", "--yes"]) == 1  # nothing left to erase
    assert cli.main(["rights", "export", "--email", "astrid@example.se"]) == 1


def test_erase_asks_for_the_address_again_unless_told_yes(astrid, monkeypatch) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "someone-else@example.se")
    assert cli.main(["rights", "erase", "--email", "astrid@example.se"]) == 2
    assert [i for i in Item.scan() if isinstance(i, Customer)]


def test_the_report_shows_each_request_and_whether_it_was_answered_within_a_month(astrid, capsys) -> None:
    rights_cmd.export("astrid@example.se", io.StringIO(), received="2027-03-02", now=now())
    rights_cmd.export("astrid@example.se", io.StringIO(), received="2027-01-10", now=now())  # answered late
    assert cli.main(["rights", "report", "--month", "2027-03"]) == 0
    march = capsys.readouterr().out
    assert "requests received 2027-03: 1" in march and "access" in march and "operator" in march
    assert "All answered within one month." in march
    assert cli.main(["rights", "report", "--month", "2027-01"]) == 1
    january = capsys.readouterr().out
    assert "NO" in january and "1 not answered within one month." in january
    with pytest.raises(SystemExit):
        cli.main(["rights", "report", "--month", "March"])
