"""The clinic's settings as sections the owner edits (``PUT /staff/settings/{section}``).

A section is one top-level part of the clinic file, named as the back office names it
(``treatments`` is the file's ``services``). The settings document is the clinic file with
the stored sections in place of its own; it is checked by the file's one parser
(:func:`.parse.parse`), so a browser edit meets exactly the rules a developer's edit met.
A section the parser does not know (the shop's ``products``, ``gift_cards``, ...) registers
its own ``check``, called with its value and the parsed clinic (to see treatments, staff).

A refusal is a :class:`SettingsError`: the field as the API names it (``treatments[2].staff``)
and a rule whose Swedish and English texts the API answers with (``core.i18n``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ClinicFileError
from .model import Clinic
from .parse import parse

Check = Callable[[Any, Clinic], None]


class SettingsError(ClinicFileError):
    """A setting the clinic file's rules refuse: ``field`` (API path), ``rule`` (an i18n field key), ``detail``."""

    def __init__(self, field: str, rule: str, detail: str) -> None:
        self.field, self.rule, self.detail = field, rule, detail
        super().__init__(f"{field}: {detail}")


@dataclass(frozen=True)
class Section:
    name: str                     # as the API and the back office name it
    key: str                      # the clinic file's key
    shape: type                   # list or dict: what the value must be before the parser sees it
    check: Check | None = None    # rules beyond the clinic file's parser (sections it does not know)


SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """A capability adds its section (the shop: ``products``, ``shop``; benefits: ``gift_cards``, ...)."""
    SECTIONS[section.name] = section


for _section in (Section("treatments", "services", list), Section("opening_hours", "opening_hours", dict),
                 Section("exceptions", "exceptions", dict), Section("staff", "staff", list)):
    register(_section)


def sections_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The registered sections of a clinic file, by their settings name (absent: the empty value)."""
    return {s.name: copy.deepcopy(document.get(s.key) or s.shape()) for s in SECTIONS.values()}


def merged(base: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The clinic file ``base`` with the stored sections in place of its own."""
    document = copy.deepcopy(dict(base))
    for name, value in stored.items():
        section = SECTIONS.get(name)
        if section is not None:
            document[section.key] = copy.deepcopy(value)
    return document


def check(base: Mapping[str, Any], stored: Mapping[str, Any]) -> Clinic:
    """The clinic the settings make, or SettingsError naming the field in API terms."""
    for name, value in stored.items():
        section = SECTIONS.get(name)
        if section is None:
            raise SettingsError(name, "unknown_field", f"{name} is not a section of the settings")
        if not isinstance(value, section.shape):
            raise SettingsError(name, "type", f"{name} must be a {'list' if section.shape is list else 'mapping'}")
    try:
        clinic = parse(merged(base, stored))
    except SettingsError:
        raise
    except ClinicFileError as error:
        raise explain(str(error)) from None
    except (TypeError, AttributeError, ValueError) as error:  # a shape the file's parser never met (e.g. a number for a mapping)
        raise SettingsError(_first_section(stored), "invalid", str(error)) from None
    for name, value in stored.items():
        own = SECTIONS[name].check
        if own is not None:
            own(value, clinic)
    return clinic


def _first_section(stored: Mapping[str, Any]) -> str:
    return next(iter(stored), "settings")


# --- the file parser's messages, as fields and rules ------------------------------------------------------

_PATH = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[\w-]+(?:\[\d+\])?)*)")
_UNLICENSED = re.compile(r"^(services\[\d+\]) \([^)]*\)(?:, the consultation of [^,]*,)? is given by staff\[\d+\]")
# (words in the parser's message, rule): the first that matches names the rule of the answer.
_RULES: tuple[tuple[str, str], ...] = (
    ("who has no legitimation", "settings_unlicensed"),
    ("outside the opening hours", "settings_outside_hours"),
    ("needs its consultation", "settings_consultation_required"),
    ("must name a consultation", "settings_consultation_required"),
    ("names an unknown treatment", "unknown_service"),
    ("injections section", "settings_injections"),
    ("vat_percent must be one of", "settings_vat"),
    ("age_limit must be at least", "settings_age_limit"),
    ("not a multiple of booking.slot_minutes", "settings_duration"),
    ("prepayment_sek is more than the price", "settings_prepayment"),
    ("names unknown staff", "unknown_staff"),
    ("share an e-mail address", "settings_duplicate_email"),
    ("share an id", "settings_duplicate_id"),
    ("is not an e-mail address", "email"),
    ("role must be one of", "settings_role"),
    ("is not a time HH:MM", "settings_time"),
    ("opens after it closes", "end_before_start"),
    ("is not a date", "date"),
    ("is not a weekday", "settings_weekday"),
    ("must be a whole number", "settings_whole_number"),
    ("lowercase letters, digits and hyphens", "settings_id"),
    ("names a prescription medicine", "settings_medicine"),
    ("is missing", "required"),
)


def _api_path(path: str) -> str:
    """The clinic file's path as the settings name it (``services[2]`` -> ``treatments[2]``)."""
    for section in SECTIONS.values():
        if section.key != section.name and (path == section.key or path.startswith((f"{section.key}[",
                                                                                     f"{section.key}."))):
            return section.name + path[len(section.key):]
    return path


def explain(message: str) -> SettingsError:
    """A ClinicFileError's message as the field at fault and its rule (the parser stays the one rule set)."""
    unlicensed = _UNLICENSED.match(message)
    if unlicensed:  # the treatment's list of who gives it is what the owner changes
        path = f"{unlicensed.group(1)}.staff"
    else:
        found = _PATH.match(message)
        path = found.group(1) if found else "settings"
        if path.endswith(".") or not found:
            path = path.rstrip(".") or "settings"
    rule = next((key for words, key in _RULES if words in message), "invalid")
    detail = message.replace("services[", "treatments[")
    return SettingsError(_api_path(path), rule, detail)
