"""The settings' sections and the per-container cache, without servers: the clinic file's parser is the one
rule set (its refusals come back as the field and rule the API answers), and the cache reads at most once a
minute and parses only a new version."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from chalicelib.core.clinic import Clinic, live, sections
from chalicelib.core.clinic.live import Live, Stored


def base() -> dict[str, Any]:
    return copy.deepcopy(live.document(str(live.DEFAULT_PATH)))


def treatment_index(document: dict[str, Any], service: str) -> int:
    return next(i for i, t in enumerate(document["services"]) if t["id"] == service)


def test_the_sections_are_the_clinic_files_parts_under_the_back_offices_names() -> None:
    values = sections.sections_of(base())
    assert set(values) >= {"treatments", "opening_hours", "exceptions", "staff"}
    assert values["treatments"] == base()["services"]
    clinic = sections.check(base(), values)
    assert isinstance(clinic, Clinic) and clinic.service("ansiktsbehandling").price_sek == 895


@pytest.mark.parametrize(("change", "field", "rule"), [
    (lambda d: d["services"][treatment_index(d, "rynkbehandling")]["staff"].append("sara"),
     "treatments[{rynk}].staff", "settings_unlicensed"),
    (lambda d: d["services"][treatment_index(d, "injektionskonsultation")]["staff"].append("elin"),
     "treatments[{konsult}].staff", "settings_unlicensed"),
    (lambda d: d["services"][treatment_index(d, "rynkbehandling")].pop("requires"),
     "treatments[{rynk}].requires", "settings_consultation_required"),
    (lambda d: d["services"][1].update(price_sek=-5), "treatments[1].price_sek", "settings_whole_number"),
    (lambda d: d["services"][1].update(duration_minutes=50), "treatments[1].duration_minutes", "settings_duration"),
    (lambda d: d["services"][1].update(staff=["nobody"]), "treatments[1].staff", "unknown_staff"),
    (lambda d: d["staff"][2]["hours"].update(friday=["09:00", "17:00"]), "staff[2].hours.friday",
     "settings_outside_hours"),
    (lambda d: d["opening_hours"].update(monday=["18:00", "09:00"]), "opening_hours.monday", "end_before_start"),
    (lambda d: d["exceptions"].update({"2027-02-30": None}), "exceptions.2027-02-30", "date"),
    (lambda d: d["staff"][1].update(email="anna@allavieclinic.com"), "staff", "settings_duplicate_email"),
])
def test_a_refusal_names_the_field_in_the_settings_terms(change, field: str, rule: str) -> None:
    document = base()
    change(document)
    names = {"rynk": treatment_index(document, "rynkbehandling"),
             "konsult": treatment_index(document, "injektionskonsultation")}
    with pytest.raises(sections.SettingsError) as refused:
        sections.check(base(), sections.sections_of(document))
    assert (refused.value.field, refused.value.rule) == (field.format(**names), rule)


def test_a_value_of_the_wrong_shape_is_refused_not_a_crash() -> None:
    for value in (["x"], {"monday": 9}):
        with pytest.raises(sections.SettingsError) as refused:
            sections.check(base(), {"opening_hours": value})
        assert refused.value.field.startswith("opening_hours")
    with pytest.raises(sections.SettingsError) as refused:
        sections.check(base(), {"treatments": [{"id": 1}]})
    assert refused.value.field.startswith("treatments")


def test_a_registered_section_brings_its_own_check() -> None:
    seen: list[Any] = []

    def check(value: Any, clinic: Clinic) -> None:
        seen.append((value, clinic.name))
        if value.get("min_sek", 0) > value.get("max_sek", 0):
            raise sections.SettingsError("gift_cards.min_sek", "invalid", "more than max_sek")

    sections.register(sections.Section("gift_cards", "gift_cards", dict, check))
    try:
        sections.check(base(), {"gift_cards": {"min_sek": 200, "max_sek": 5000}})
        assert seen == [({"min_sek": 200, "max_sek": 5000}, "Hudateljén")]
        with pytest.raises(sections.SettingsError):
            sections.check(base(), {"gift_cards": {"min_sek": 900, "max_sek": 500}})
    finally:
        del sections.SECTIONS["gift_cards"]


class Table:
    """A source that counts its reads (the store's GetItem in production)."""

    def __init__(self) -> None:
        self.stored: Stored | None = None
        self.reads = 0

    def __call__(self) -> Stored | None:
        self.reads += 1
        return self.stored


def test_the_cache_reads_once_per_minute_and_parses_only_a_new_version(monkeypatch) -> None:
    monkeypatch.delenv("CLINIC_FILE", raising=False)
    now = [0.0]
    cache, table = Live(clock=lambda: now[0]), Table()
    cache.max_age = 60
    cache.use(table)
    first = cache.current()
    assert table.reads == 1 and first.service("ansiktsbehandling").price_sek == 895
    now[0] = 59.9
    assert cache.current() is first and table.reads == 1
    now[0] = 60
    assert cache.current() is first and table.reads == 2  # read again, the same version: not parsed again
    values = sections.sections_of(base())
    values["treatments"][1]["price_sek"] = 995
    table.stored = Stored(1, values)
    now[0] = 90
    assert cache.current() is first  # within the minute of the last read
    now[0] = 120
    assert cache.current().service("ansiktsbehandling").price_sek == 995 and table.reads == 3


def test_the_cache_never_keeps_longer_than_a_minute(monkeypatch) -> None:
    monkeypatch.setenv("CLINIC_CACHE_SECONDS", "3600")
    now = [0.0]
    cache, table = Live(clock=lambda: now[0]), Table()
    cache.use(table)
    cache.current()
    now[0] = 60
    cache.current()
    assert table.reads == 2


def test_a_failed_read_keeps_what_the_container_has_and_a_cold_one_says_so(monkeypatch) -> None:
    monkeypatch.delenv("CLINIC_FILE", raising=False)
    now = [0.0]
    cache, table = Live(clock=lambda: now[0]), Table()
    cache.max_age = 60
    cache.use(table)
    first = cache.current()

    def unreachable() -> Stored | None:
        raise ConnectionError("no table")

    cache.use(unreachable)
    with pytest.raises(ConnectionError):  # nothing to keep: the error, not a clinic made up
        cache.current()
    cache.use(table)
    first = cache.current()
    cache.source = unreachable
    now[0] = 61
    assert cache.current() is first
