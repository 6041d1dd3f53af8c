"""A booking, and a treatment, as the API shows them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import clinic as clinic_module
from ..core.clinic import WEEKDAYS, Clinic, Hours, Service
from ..core.clock import iso_local
from ..store.models import Booking


def public(booking: Booking, language: str = "sv", clinic: Clinic | None = None) -> dict[str, Any]:
    clinic = clinic or clinic_module.current()
    service = clinic.service(booking.service_id)
    staff = clinic.staff_member(booking.staff_id)
    return {
        "id": booking.booking_id,
        "status": booking.status,
        "service": booking.service_id,
        "service_name": service.name.get(language) if service else booking.service_id,
        "start": iso_local(booking.start),
        "end": iso_local(booking.end),
        "staff": booking.staff_id,
        "staff_name": staff.name if staff else booking.staff_id,
        "note": booking.note,
        "price_sek": int(booking.price_sek or 0),
        "prepayment_sek": int(booking.prepayment_sek or 0),
        "paid_sek": int(booking.paid_sek or 0),
        "hold_until": iso_local(booking.hold_until) if booking.hold_until else None,
        "change_until": iso_local(clinic.rules.change_until(booking.start)),
        "language": booking.language,
        # consultation_required: the consultation this treatment relied on was cancelled or moved (lag 2021:363)
        "flag": booking.flag,
    }


def service(service: Service, language: str, clinic: Clinic | None = None) -> dict[str, object]:
    clinic = clinic or clinic_module.current()
    shown: dict[str, object] = {
        "id": service.id,
        "name": service.name.get(language),
        "description": description(service, language, clinic),
        "duration_minutes": service.duration_minutes,
        "price_sek": service.price_sek,
        "prepayment_sek": service.prepayment_sek,
        "age_limit": service.age_limit,
        "staff": list(service.staff),
        "regulated": bool(service.regulated),
    }
    if service.requires:
        shown["requires"] = service.requires  # its consultation (lag 2021:363)
    return shown


def description(service: Service, language: str, clinic: Clinic) -> str:
    """The public description; a regulated treatment's says how it is prescribed (never which medicine)."""
    text = service.description.get(language)
    if service.regulated and clinic.injections is not None:
        text = f"{text} {clinic.injections.public_text.get(language)}".strip()
    return text


def clinic_public(clinic: Clinic, today: dt.date) -> dict[str, object]:
    """``GET /clinic``: what the site's contact and opening-hours pages show, exceptions from ``today`` on."""

    def hours(value: Hours | None) -> list[str] | None:
        return None if value is None else [f"{value.opens:%H:%M}", f"{value.closes:%H:%M}"]

    exceptions: dict[str, object] = {}
    for day in sorted(d for d in clinic.exceptions if d >= today):
        name = clinic.exception_names.get(day)
        exceptions[day.isoformat()] = {"name": {"sv": name.sv, "en": name.en} if name else None,
                                       "hours": hours(clinic.exceptions[day])}
    return {
        "name": clinic.name,
        "address": clinic.address,
        "phone": clinic.phone,
        "emails": list(clinic.emails),
        "organisation_number": clinic.organisation_number,
        "opening_hours": {day: hours(clinic.weekly_hours.get(i)) for i, day in enumerate(WEEKDAYS)},
        "exceptions": exceptions,
    }
