"""Reading the clinic file: every value checked, with the path of a bad one.

The file is validated when it is loaded, so a typo fails loudly at start-up
with the path of the bad value, never later in the middle of a booking.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from . import accounts as chart
from . import injections as regulated
from . import offers
from .errors import ClinicFileError
from .model import ROLES, WEEKDAYS, BookingRules, Clinic, Hours, Service, Staff, Text

VAT_PERCENTS = (25, 12, 6, 0)  # the Swedish rates (0: exempt, e.g. health care given by licensed staff)


def _need(data: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(data, Mapping) or key not in data:
        raise ClinicFileError(f"{where}.{key} is missing")
    return data[key]


def _text(value: Any, where: str) -> Text:
    if isinstance(value, str):
        return Text(value, value)
    if isinstance(value, Mapping) and set(value) - {"sv", "en"}:
        # An unquoted comma in `{sv: a, b, en: c}` makes "b" a key and silently cuts the text.
        raise ClinicFileError(f"{where} has keys other than sv and en: quote texts that contain a comma")
    if isinstance(value, Mapping) and isinstance(value.get("sv"), str):
        return Text(value["sv"], str(value.get("en") or value["sv"]))
    raise ClinicFileError(f"{where} must be a text or {{sv: ..., en: ...}}")


def _time(value: Any, where: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as exc:
        raise ClinicFileError(f"{where}: {value!r} is not a time HH:MM") from exc


def _hours(value: Any, where: str) -> Hours | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        raise ClinicFileError(f"{where} must be [opens, closes] or null")
    hours = Hours(_time(value[0], where), _time(value[1], where))
    if hours.opens >= hours.closes:
        raise ClinicFileError(f"{where}: opens after it closes")
    return hours


def _positive_int(value: Any, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ClinicFileError(f"{where} must be a whole number >= {minimum}")
    return value


STAFF_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def _staff(data: Any, where: str, weekly: Mapping[int, Hours]) -> Staff:
    """One member of staff: id, name, title, and for the back office an address, a role and working hours."""
    from ..fields import FieldError, email  # the one address check of the platform

    staff_id = str(_need(data, "id", where))
    if not STAFF_ID.match(staff_id):
        raise ClinicFileError(f"{where}.id {staff_id!r}: lowercase letters, digits and hyphens")
    address = data.get("email")
    if address is not None:
        try:
            address = email(address)
        except FieldError:
            raise ClinicFileError(f"{where}.email {address!r} is not an e-mail address") from None
    role = data.get("role", "staff")
    if role not in ROLES:
        raise ClinicFileError(f"{where}.role must be one of {list(ROLES)}")
    hours: dict[int, Hours] | None = None
    if data.get("hours") is not None:
        if not isinstance(data["hours"], Mapping):
            raise ClinicFileError(f"{where}.hours must map weekdays to [starts, ends]")
        hours = {}
        for name, value in data["hours"].items():
            if name not in WEEKDAYS:
                raise ClinicFileError(f"{where}.hours.{name} is not a weekday")
            own = _hours(value, f"{where}.hours.{name}")
            if own is None:
                continue
            opening = weekly.get(WEEKDAYS.index(name))
            if opening is None or own.opens < opening.opens or own.closes > opening.closes:
                raise ClinicFileError(f"{where}.hours.{name} is outside the opening hours")
            hours[WEEKDAYS.index(name)] = own
    return Staff(id=staff_id, name=str(_need(data, "name", where)), title=_text(data.get("title", ""), f"{where}.title"),
                 legitimation=regulated.legitimation(data.get("legitimation"), f"{where}.legitimation"),
                 email=address, role=str(role), hours=hours)


def _vat(value: Any, where: str) -> int:
    if isinstance(value, bool) or value not in VAT_PERCENTS:
        raise ClinicFileError(f"{where} must be one of {', '.join(map(str, VAT_PERCENTS))} (per cent), got {value!r}")
    return int(value)


def _organisation_number(value: Any, where: str) -> str:
    """Empty, or a Swedish organisation number as NNNNNN-NNNN whose check digit holds (the Luhn sum that
    Bolagsverket's numbers carry), so that a typo never reaches a receipt."""
    text = str(value or "").strip()
    if not text:
        return ""
    digits = text.replace("-", "").replace(" ", "")
    if len(digits) == 12 and digits.startswith("16"):  # the 12-digit form Skatteverket writes
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit() and len(digits) == 10):
        raise ClinicFileError(f"{where}: {text!r} is not an organisation number NNNNNN-NNNN")
    total = 0
    for index, digit in enumerate(digits):
        doubled = int(digit) * (2 if index % 2 == 0 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    if total % 10:
        raise ClinicFileError(f"{where}: {text!r} fails its check digit; compare it with Bolagsverket's register")
    return f"{digits[:6]}-{digits[6:]}"


def parse(data: Mapping[str, Any]) -> Clinic:
    """Build a :class:`Clinic` from the parsed YAML, or raise ClinicFileError."""
    info = _need(data, "clinic", "")
    rules_data = data.get("booking") or {}
    rules = BookingRules(
        **{
            key: _positive_int(value, f"booking.{key}", 1 if key != "buffer_minutes" else 0)
            for key, value in rules_data.items()
            if key in BookingRules.__dataclass_fields__
        }
    )
    unknown_rules = set(rules_data) - set(BookingRules.__dataclass_fields__)
    if unknown_rules:
        raise ClinicFileError(f"booking: unknown settings {sorted(unknown_rules)}")

    weekly: dict[int, Hours] = {}
    for name, value in (data.get("opening_hours") or {}).items():
        if name not in WEEKDAYS:
            raise ClinicFileError(f"opening_hours.{name} is not a weekday")
        hours = _hours(value, f"opening_hours.{name}")
        if hours:
            weekly[WEEKDAYS.index(name)] = hours

    exceptions: dict[dt.date, Hours | None] = {}
    exception_names: dict[dt.date, Text] = {}
    for key, value in (data.get("exceptions") or {}).items():
        try:
            day = key if isinstance(key, dt.date) else dt.date.fromisoformat(str(key))
        except ValueError as exc:
            raise ClinicFileError(f"exceptions.{key} is not a date YYYY-MM-DD") from exc
        if isinstance(value, Mapping):  # {name: {sv: Julafton, en: Christmas Eve}, hours: null}
            unknown_keys = set(value) - {"name", "hours"}
            if unknown_keys:
                raise ClinicFileError(f"exceptions.{key}: unknown keys {sorted(unknown_keys)} (name, hours)")
            if value.get("name") is not None:
                exception_names[day] = _text(value["name"], f"exceptions.{key}.name")
            value = value.get("hours")
        exceptions[day] = _hours(value, f"exceptions.{key}")

    staff = tuple(_staff(s, f"staff[{i}]", weekly) for i, s in enumerate(_need(data, "staff", "")))
    staff_ids = {s.id for s in staff}
    if len(staff_ids) != len(staff):
        raise ClinicFileError("staff: two members share an id")
    addresses = [s.email for s in staff if s.email]
    if len(set(addresses)) != len(addresses):
        raise ClinicFileError("staff: two members share an e-mail address")

    services = []
    for i, s in enumerate(_need(data, "services", "")):
        where = f"services[{i}]"
        age = s.get("age_limit")
        service = Service(
            id=str(_need(s, "id", where)),
            name=_text(_need(s, "name", where), f"{where}.name"),
            description=_text(s.get("description", ""), f"{where}.description"),
            duration_minutes=_positive_int(_need(s, "duration_minutes", where), f"{where}.duration_minutes", 1),
            price_sek=_positive_int(_need(s, "price_sek", where), f"{where}.price_sek"),
            prepayment_sek=_positive_int(s.get("prepayment_sek", 0), f"{where}.prepayment_sek"),
            age_limit=None if age is None else _positive_int(age, f"{where}.age_limit", 1),
            staff=tuple(str(x) for x in _need(s, "staff", where)),
            **regulated.service_parts(s, where, _text),
            vat_percent=_vat(s.get("vat_percent", 25), f"{where}.vat_percent"),
            follow_ups=offers.follow_ups(s.get("follow_ups"), where, _text),
        )
        if service.prepayment_sek > service.price_sek:
            raise ClinicFileError(f"{where}.prepayment_sek is more than the price")
        if service.duration_minutes % rules.slot_minutes:
            raise ClinicFileError(f"{where}.duration_minutes is not a multiple of booking.slot_minutes")
        unknown = set(service.staff) - staff_ids
        if unknown or not service.staff:
            raise ClinicFileError(f"{where}.staff names unknown staff {sorted(unknown)}")
        services.append(service)
    if len({s.id for s in services}) != len(services):
        raise ClinicFileError("services: two treatments share an id")
    injections = regulated.clinic_parts(data.get("injections"), _text)
    regulated.check(services, staff, injections)

    timezone = str(info.get("timezone", "Europe/Stockholm"))
    try:
        ZoneInfo(timezone)
    except Exception as exc:  # noqa: BLE001 - zoneinfo raises several kinds
        raise ClinicFileError(f"clinic.timezone {timezone!r} is unknown") from exc

    clinic = Clinic(
        name=str(_need(info, "name", "clinic")),
        organisation=str(_need(info, "organisation", "clinic")),
        address=str(info.get("address", "")),
        timezone=timezone,
        emails=tuple(str(e) for e in _need(info, "emails", "clinic")),
        phone=str(_need(info, "phone", "clinic")),
        sender=str(info.get("sender") or _need(info, "emails", "clinic")[0]),
        rules=rules,
        weekly_hours=weekly,
        exceptions=exceptions,
        staff=staff,
        services=tuple(services),
        injections=injections,
        organisation_number=_organisation_number(info.get("organisation_number"), "clinic.organisation_number"),
        exception_names=exception_names,
        offers=offers.rules(data.get("offers")),
        accounts=chart.parse(data.get("accounts")),
    )
    clinic._by_id.update({s.id: s for s in services})
    return clinic
