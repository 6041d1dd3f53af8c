"""``allavie settings export`` then ``import`` round-trips the settings, and an import the clinic file's rules
refuse changes nothing (the same refusal as the back office's forms)."""

from __future__ import annotations

import datetime as dt

import yaml
from allavie import cli
from chalicelib.core import clinic
from chalicelib.staff import sessions
from chalicelib.staff import settings as staff_settings
from chalicelib.store.models import ClinicSettings, Item

NOW = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.timezone.utc)
ANNA = sessions.StaffUser("anna", "Anna Lindqvist", "admin", "anna@allavieclinic.com")


def test_export_then_import_gives_the_same_settings(table, tmp_path, capsys) -> None:
    _, values = staff_settings.current()
    values["treatments"][1]["price_sek"] = 990
    staff_settings.change(ANNA, "treatments", {"version": 0, "value": values["treatments"]}, NOW)
    staff_settings.change(ANNA, "exceptions", {"version": 1, "value": {
        **values["exceptions"], "2027-04-02": {"name": {"sv": "Stängt för utbildning", "en": "Closed for training"},
                                               "hours": None}}}, NOW)
    saved = staff_settings.current()[1]
    out = tmp_path / "clinic.yml"
    assert cli.main(["settings", "export", "--out", str(out)]) == 0
    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert exported["services"][1]["price_sek"] == 990 and exported["clinic"]["name"] == "Hudateljén"
    clinic.load(out)  # a clinic file the parser takes as it is

    for item in list(Item.scan()):  # a new installation: nothing stored
        item.delete()
    clinic.forget()
    assert clinic.current().service("ansiktsbehandling").price_sek == 895
    assert cli.main(["settings", "import", str(out), "--yes"]) == 0
    assert "as version 1" in capsys.readouterr().out
    assert staff_settings.current() == (1, saved)
    assert clinic.current().service("ansiktsbehandling").price_sek == 990
    assert clinic.current().hours_on(dt.date(2027, 4, 2)) is None


def test_an_import_the_rules_refuse_changes_nothing(table, tmp_path, capsys) -> None:
    document = yaml.safe_load(open(clinic.DEFAULT_PATH, encoding="utf-8"))
    rynk = next(s for s in document["services"] if s["id"] == "rynkbehandling")
    rynk["staff"] = ["anna", "sara"]
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert cli.main(["settings", "import", str(bad), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "refused, nothing changed" in err and ".staff" in err and "legitimation" in err
    assert not [i for i in Item.scan() if isinstance(i, ClinicSettings)]
