"""The clinic's settings in the back office (admins): read, change one section, the audit trail.

A change is checked by the clinic file's own rules on the whole document it makes
(``core.clinic.sections``), refused with the field at fault, written on the version the admin
read (``store.settings``: one wins, the other 409 ``version_conflict``), and seen by this
container at once and by every other within a minute (``core.clinic.live``). Removing a treatment
or a staff member that future bookings still need is 409 ``settings_in_use`` listing them (the page
asks the admin to move or cancel them first); removing a staff member ends their sessions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..booking import locks
from ..core import clinic as clinic_module
from ..core.clinic import live, sections
from ..core.clock import iso_local
from ..core.errors import Conflict, Invalid, NotFound
from ..store import sessions as staff_sessions
from ..store import settings as store
from ..store.models import Booking
from .sessions import StaffUser

ACTIVE = ("confirmed", "awaiting_payment")


def _base() -> dict[str, Any]:
    return live.document(live.file_path())


def current() -> tuple[int, dict[str, Any]]:
    """The version and every registered section (the clinic file's where none is stored yet)."""
    stored = store.read_fresh()
    values = sections.sections_of(_base())
    if stored is None:
        return 0, values
    values.update({name: value for name, value in stored.sections.items() if name in sections.SECTIONS})
    return stored.version, values


def view() -> dict[str, Any]:
    version, values = current()
    return {"version": version, "settings": values}


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(fields={"version": "type" if value is not None else "required"})
    return value


def change(user: StaffUser, name: str, data: dict[str, Any], now: dt.datetime) -> int:
    """Save one section on the version read; the new version."""
    if name not in sections.SECTIONS:
        raise NotFound()
    unknown = {k[:64]: "unknown_field" for k in data if k not in ("version", "value")}
    if unknown:
        raise Invalid(fields=unknown)
    if "value" not in data:
        raise Invalid(fields={"value": "required"})
    version = _version(data.get("version"))
    current_version, values = current()
    if version != current_version:
        raise Conflict("version_conflict", extra={"version": str(current_version)})
    old = _clinic_of(values)
    before = values[name]
    after = data["value"]
    values[name] = after
    try:
        checked = sections.check(_base(), values)
    except sections.SettingsError as error:
        raise Invalid(fields={error.field: error.rule}, extra={"detail": error.detail}) from None
    removed_services = {s.id for s in old.services} - {s.id for s in checked.services}
    removed_staff = {s.id for s in old.staff} - {s.id for s in checked.staff}
    if removed_services or removed_staff:
        _refuse_if_booked(old, removed_services, removed_staff, now)
    try:
        new_version = store.write(version, values, name, before, after, user.id, now)
    except store.Conflict:
        raise Conflict("version_conflict") from None
    changed_address = {s.id for s in old.staff if (m := checked.staff_member(s.id)) is not None and m.email != s.email}
    for staff_id in sorted(removed_staff | changed_address):
        staff_sessions.end_all(staff_id)
    clinic_module.forget()
    return new_version


def _clinic_of(values: dict[str, Any]) -> clinic_module.Clinic:
    """The clinic the settings in force make (the cached one when a deploy made them invalid meanwhile)."""
    try:
        return sections.check(_base(), values)
    except sections.SettingsError:
        return clinic_module.current()


def _refuse_if_booked(clinic: clinic_module.Clinic, services: set[str], staff: set[str], now: dt.datetime) -> None:
    """409 listing the future bookings of what is being removed."""
    found = []
    for item in locks.bookings_between(clinic, now, clinic.rules.horizon(now) + dt.timedelta(days=1), now):
        if not isinstance(item, Booking) or item.status not in ACTIVE:
            continue
        if item.status == "awaiting_payment" and (item.hold_until is None or item.hold_until <= now):
            continue  # a lapsed hold is no booking
        if item.service_id in services or item.staff_id in staff:
            found.append({"id": item.booking_id, "start": iso_local(item.start), "service": item.service_id,
                          "staff": item.staff_id, "status": item.status})
    if found:
        raise Conflict("settings_in_use", extra={"bookings": found})


def history() -> dict[str, Any]:
    return {"changes": [{"version": c.version, "at": iso_local(c.at), "staff": c.staff_id, "section": c.section,
                         "before": c.before, "after": c.after} for c in store.history()]}


def write_document(document: dict[str, Any], who: str, now: dt.datetime) -> int:
    """Load a whole clinic file's sections (``allavie settings import``), each checked as the forms are."""
    version, values = current()
    incoming = sections.sections_of(document)
    sections.check(_base(), incoming)  # SettingsError: the same refusal as the forms
    new_version = store.write(version, incoming, "import", values, incoming, who, now)
    clinic_module.forget()
    return new_version
