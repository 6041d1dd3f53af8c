"""A customer's own data, from a link: see it (``me``) and correct it (``correct``, art. 16).

Routes pass ``now``; nothing here reads the clock. Each request that exercises
a right is recorded in ``rights.log`` (no personal data there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from ..booking import view
from ..core import fields
from ..core.errors import Invalid, Unauthorized
from ..store import lookups, tx
from ..store.errors import ConditionFailed
from ..store.models import Booking, Customer
from ..store.table import Action
from . import email_change
from . import log as rights_log


def customer_json(customer: Customer) -> dict[str, Any]:
    return {"name": customer.name, "email": customer.email, "phone": customer.phone,
            "phone_display": phone_display(customer.phone)}


def phone_display(e164: str | None) -> str | None:
    """The stored E.164 number as people write it: Swedish ones nationally (070-123 45 67),
    others internationally (+44 7911 123456). What is stored stays E.164."""
    if not e164:
        return None
    import phonenumbers  # when a number is shown, not at import (cold start)

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    swedish = phonenumbers.region_code_for_number(number) == "SE"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if swedish
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def marketing_json(customer: Customer) -> dict[str, bool]:
    return {"email": bool(customer.marketing_email), "sms": bool(customer.marketing_sms)}


def me(customer: Customer, now: dt.datetime, language: str = "sv") -> dict[str, Any]:
    """What GET /me answers: the profile, the channels, the bookings (newest first, as booking shows them)."""
    bookings = [i for i in lookups.partition(customer.customer_id, now) if isinstance(i, Booking)]
    bookings.sort(key=lambda b: b.start, reverse=True)
    pending = email_change.pending_email(customer.customer_id, now)
    return {
        "customer": customer_json(customer),
        "marketing": marketing_json(customer),
        "bookings": [view.public(b, language) for b in bookings],
        "pending_email": pending,
    }



# --- input ------------------------------------------------------------------------------------


def _field(field: str, parse: Callable[[Any], Any], value: Any) -> Any:
    """The booking capability's rules for a field (one normal form for the whole system), or 400."""
    try:
        return parse(value)
    except fields.FieldError as error:
        raise Invalid(fields={field: error.key}) from None


def normalise_email(value: Any, field: str = "email") -> str:
    """A valid address in the form it is stored and looked up (as booking stores it)."""
    return str(_field(field, fields.email, value))


def normalise_phone(value: Any) -> str:
    """E.164; Swedish numbers may be written as people write them (070-123 45 67)."""
    return str(_field("phone", fields.phone, value))


def normalise_name(value: Any) -> str:
    return str(_field("name", fields.name, value))


# --- correction (art. 16) -----------------------------------------------------------------------


def correct(customer: Customer, body: Mapping[str, Any], now: dt.datetime, channel: str = "web") -> dict[str, Any]:
    """Change name and phone at once; a new e-mail address only after its owner confirms it.

    Everything is validated before anything is written (a 400 changes nothing).
    """
    if not body:
        raise Invalid(fields={"body": "required"})
    # Every field is checked before answering, so that the page can show each bad one at once.
    problems = {k: "unknown_field" for k in body if k not in ("name", "email", "phone")}
    parsed: dict[str, str] = {}
    for field, parse in (("name", fields.name), ("phone", fields.phone), ("email", fields.email)):
        if field in body:
            try:
                parsed[field] = str(parse(body[field]))
            except fields.FieldError as error:
                problems[field] = error.key
    if problems:
        raise Invalid(fields=problems)
    actions: list[Action] = []
    if "name" in parsed:
        actions.append(Customer.name.set(parsed["name"]))
    if "phone" in parsed:
        actions.append(Customer.phone.set(parsed["phone"]))
    new_email = parsed.get("email")
    if new_email == customer.email:
        new_email = None

    if actions:
        actions.append(Customer.updated_at.set(now))
        try:
            tx.update(customer, actions, Customer.link_generation == customer.link_generation)
        except ConditionFailed:
            raise Unauthorized() from None  # revoked meanwhile (erased, or a new address confirmed)
    if new_email:
        email_change.request(customer, new_email, now)
    outcome = "email_pending" if new_email else "corrected"
    rights_log.record("rectification", channel, outcome, now)
    return {"customer": customer_json(customer), "pending_email": email_change.pending_email(customer.customer_id, now)}
