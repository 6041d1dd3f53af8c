"""The clinic file as plain, frozen data: hours, staff, treatments, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .accounts import Accounts

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Text:
    """A text in Swedish with an English version."""

    sv: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.sv


ROLES = ("admin", "staff")


@dataclass(frozen=True)
class Hours:
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Legitimation:
    """A licence from Socialstyrelsen: the profession and its number (lag 2021:363 names who may inject)."""

    profession: str  # sjuksköterska | läkare | tandläkare
    number: str


@dataclass(frozen=True)
class Staff:
    """A member of staff. ``email`` signs in to the back office (none: no back office for them);
    ``role`` is ``admin`` or ``staff``; ``hours`` (weekday() -> hours), when given, are the only
    times they work, always within the clinic's opening hours."""

    id: str
    name: str
    title: Text
    legitimation: Legitimation | None = None
    email: str | None = None
    role: str = "staff"
    hours: Mapping[int, Hours] | None = None

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class FollowUp:
    """A personal offer after a visit of a treatment ("a peel again after 6 weeks"), sent once per visit
    by each of ``channels`` to the customers whose consent is on for that channel (marketing.follow_ups)."""

    id: str
    after_days: int
    channels: tuple[str, ...]
    text: Text
    subject: Text | None = None  # the e-mail's subject; none: the treatment's name


@dataclass(frozen=True)
class OfferRules:
    """How offers go out (marketing.sending): a page of recipients at a time, within the senders' rates."""

    page_size: int = 25         # recipients one step of the worker takes from its cursor
    email_per_second: int = 10  # SES's sending rate of the account (the sandbox allows 1)
    sms_per_second: int = 5     # the SMS rate the account may send (SNS / End User Messaging)
    catch_up_days: int = 3      # a follow-up missed by the daily run (an outage) still goes this many days late


@dataclass(frozen=True)
class Service:
    id: str
    name: Text
    description: Text
    duration_minutes: int
    price_sek: int
    prepayment_sek: int
    age_limit: int | None
    staff: tuple[str, ...]
    # Under lag (2021:363) ("injection"): only licensed staff, after the consultation ``requires`` names.
    regulated: str | None = None
    requires: str | None = None
    # The written information after the consultation (points of injections.TREATMENT_POINTS), per treatment.
    information: Mapping[str, Text] = field(default_factory=dict)
    vat_percent: int = 25  # the VAT included in the price (and prepayment): 25, 12, 6 or 0 (exempt care)
    follow_ups: tuple[FollowUp, ...] = ()  # personal offers after a visit, to those who agreed


@dataclass(frozen=True)
class BookingRules:
    slot_minutes: int = 15
    buffer_minutes: int = 10
    min_notice_minutes: int = 120
    change_deadline_hours: int = 24
    hold_minutes: int = 15
    max_range_days: int = 62
    reminder_hours: int = 24
    # Limits against abuse by volume (each checked inside the booking's transaction):
    horizon_days: int = 365              # no booking, move or offered time further ahead than this
    max_bookings_per_day: int = 3        # active bookings one address may have on one (Stockholm) day
    max_open_holds: int = 2              # unpaid holds one address may have open at once, per requester
    max_holds_per_requester_hour: int = 10  # unpaid holds one requester (network address) may take an hour

    def horizon(self, now: dt.datetime) -> dt.datetime:
        """The latest start that may be booked or offered."""
        return now + dt.timedelta(days=self.horizon_days)

    def change_until(self, start: dt.datetime) -> dt.datetime:
        """The last moment a booking starting at ``start`` may be moved, cancelled or refunded online."""
        return start - dt.timedelta(hours=self.change_deadline_hours)


@dataclass(frozen=True)
class Injections:
    """What the clinic says about its treatments under lag (2021:363)."""

    public_text: Text  # on the price list and the booking page, instead of naming prescription medicines
    information: Mapping[str, Text]  # the clinic-wide points of the written information (CLINIC_POINTS)


@dataclass(frozen=True)
class Clinic:
    name: str
    organisation: str
    address: str
    timezone: str
    emails: tuple[str, ...]
    phone: str
    sender: str
    rules: BookingRules
    weekly_hours: Mapping[int, Hours]  # weekday() -> hours
    exceptions: Mapping[dt.date, Hours | None]
    staff: tuple[Staff, ...]
    services: tuple[Service, ...]
    injections: Injections | None = None  # set when any treatment is regulated
    _by_id: dict[str, Service] = field(default_factory=dict, repr=False, compare=False)
    # NNNNNN-NNNN: on every receipt and in the site's footer; empty: not shown, receipts say it is missing,
    # and `make deploy STAGE=prod` refuses.
    organisation_number: str = ""
    exception_names: Mapping[dt.date, Text] = field(default_factory=dict)  # "Julafton" for 2026-12-24
    offers: OfferRules = field(default_factory=OfferRules)
    accounts: Accounts = field(default_factory=Accounts)  # the SIE file's chart (BAS defaults)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def service(self, service_id: str) -> Service | None:
        return self._by_id.get(service_id)

    def consultation_for(self, service: Service) -> Service | None:
        """The consultation a regulated treatment requires, if any."""
        return self.service(service.requires) if service.requires else None

    def staff_member(self, staff_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == staff_id), None)

    def hours_on(self, day: dt.date) -> Hours | None:
        """Opening hours of one day, exceptions first; None when closed."""
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly_hours.get(day.weekday())

    def staff_hours_on(self, staff_id: str, day: dt.date) -> Hours | None:
        """When one staff member works on ``day``: their weekly hours within that day's opening
        hours (an exception day's hours too); the opening hours when they have none of their own."""
        opening = self.hours_on(day)
        member = self.staff_member(staff_id)
        if opening is None or member is None or member.hours is None:
            return opening
        own = member.hours.get(day.weekday())
        if own is None:
            return None
        opens, closes = max(own.opens, opening.opens), min(own.closes, opening.closes)
        return Hours(opens, closes) if opens < closes else None

    def staff_by_email(self, email: str) -> Staff | None:
        """Pattern 14: the staff member with this (normalised) sign-in address."""
        return next((s for s in self.staff if s.email is not None and s.email == email), None)


