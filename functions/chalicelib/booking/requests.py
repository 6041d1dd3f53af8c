"""The body of ``POST /bookings``, checked field by field (core.fields) before anything is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.clinic import Clinic
from ..core.fields import (
    LANGUAGES,
    Fields,
    boolean,
    choice,
    email,
    moment,
    name,
    note,
    phone,
    service_id,
    staff_for,
)

REMINDER_CHANNELS = ("email", "sms")


@dataclass(frozen=True)
class BookingRequest:
    service_id: str
    start: dt.datetime
    staff_id: str | None  # None: any staff member who gives the treatment
    name: str
    email: str | None  # None only when staff book a caller by phone
    phone: str
    note: str | None
    marketing_email: bool
    marketing_sms: bool
    age_confirmed: bool
    language: str
    reminder: str  # email | sms
    booked_by: str | None = None  # the staff member booking for a caller (no notice limit)
    payment: str = "online"       # online | at_clinic (staff only: the prepayment is taken at the visit)


BOOKING_FIELDS = {"service", "start", "staff", "name", "email", "phone", "note", "marketing", "age_confirmed",
                  "language", "reminder"}
PAYMENTS = ("online", "at_clinic")


def booking_request(clinic: Clinic, data: Mapping[str, Any], default_language: str,
                    booked_by: str | None = None) -> BookingRequest:
    """The body of ``POST /bookings``, or 400 naming every bad field.

    ``booked_by`` (a staff member, ``POST /staff/bookings``): the e-mail address may be left out when
    a phone number is given, the offers may be left out, and ``payment`` says online or at the clinic.
    Whether the time is bookable (past, hours, grid, notice) is checked by
    availability.check_start; whether it is free, by the transaction.
    """
    fields = Fields(data)
    fields.unknown(BOOKING_FIELDS | ({"payment"} if booked_by else set()))
    service = fields.take("service", lambda v: service_id(clinic, v))
    start = fields.take("start", moment)
    staff = fields.take("staff", lambda v: staff_for(clinic, service, v))
    person = fields.take("name", name)
    by_phone = booked_by is not None and data.get("email") in (None, "")
    address = None if by_phone else fields.take("email", email)
    number = fields.take("phone", phone)
    payment = fields.take("payment", lambda v: choice(v, PAYMENTS, "at_clinic", "invalid")) if booked_by else "online"
    text = fields.take("note", note)
    language = fields.take("language", lambda v: choice(v, LANGUAGES, default_language, "language"))
    reminder = fields.take("reminder", lambda v: choice(v, REMINDER_CHANNELS, "email", "invalid"))
    age_confirmed = fields.take("age_confirmed", lambda v: boolean(v, default=False))

    marketing = data.get("marketing")
    marketing_email = marketing_sms = False
    if marketing is None and booked_by is None:
        fields.fail("marketing", "required")
    elif marketing is None:
        pass  # a caller booked by staff: no offers asked for
    elif not isinstance(marketing, Mapping):
        fields.fail("marketing", "type")
    else:
        extra = set(marketing) - {"email", "sms"}
        if extra:
            fields.fail("marketing", "unknown_field")
        for channel in ("email", "sms"):
            value = marketing.get(channel, False)  # opt-in: a channel not mentioned is not chosen
            if not isinstance(value, bool):
                fields.fail(f"marketing.{channel}", "type")
        marketing_email = marketing.get("email") is True
        marketing_sms = marketing.get("sms") is True

    chosen = clinic.service(service) if service else None
    if chosen is not None and chosen.age_limit and age_confirmed is not True and "age_confirmed" not in fields.errors:
        fields.fail("age_confirmed", "age_confirmation_required")
    fields.raise_if_any()
    return BookingRequest(
        service_id=service, start=start, staff_id=staff, name=person, email=address, phone=number, note=text,
        marketing_email=marketing_email, marketing_sms=marketing_sms, age_confirmed=bool(age_confirmed),
        language=language, reminder="sms" if by_phone else reminder, booked_by=booked_by, payment=payment,
    )
