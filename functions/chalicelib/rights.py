"""A customer's own data, from a link: see it, correct it, choose channels,
stop marketing, ask for a fresh link.

Routes pass ``now``; nothing here reads the clock. Each request that
exercises a right is recorded in ``rights_log`` (no personal data there).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets as random
from collections.abc import Mapping
from typing import Any

import phonenumbers
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from . import access, db, links, ratelimit, rights_log, rights_mail, validation
from .errors import Conflict, Invalid, Unauthorized
from .models import Booking, Customer, EmailChange, EmailKey, Item, MarketingConsent, customer_pk, live

log = logging.getLogger(__name__)

CHANNELS = ("email", "sms")
LINKS_PER_WINDOW = 3
LINK_WINDOW = dt.timedelta(hours=1)


# --- reading ----------------------------------------------------------------------------------


def partition(customer_id: str, now: dt.datetime | None = None) -> list[Item]:
    """Every item of the customer's partition (pattern 4, one Query); only live ones when ``now`` is given."""
    condition = live(now) if now is not None else None
    return list(Item.query(customer_pk(customer_id), filter_condition=condition, consistent_read=True))


def customer_json(customer: Customer) -> dict[str, Any]:
    return {"name": customer.name, "email": customer.email, "phone": customer.phone,
            "phone_display": phone_display(customer.phone)}


def phone_display(e164: str | None) -> str | None:
    """The stored E.164 number as people write it: Swedish ones nationally (070-123 45 67),
    others internationally (+44 7911 123456). What is stored stays E.164."""
    if not e164:
        return None
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
    from . import booking as booking_module

    bookings = [i for i in partition(customer.customer_id, now) if isinstance(i, Booking)]
    bookings.sort(key=lambda b: b.start, reverse=True)
    pending = pending_email(customer.customer_id, now)
    return {
        "customer": customer_json(customer),
        "marketing": marketing_json(customer),
        "bookings": [booking_module.public(b, language) for b in bookings],
        "pending_email": pending,
    }


def pending_email(customer_id: str, now: dt.datetime) -> str | None:
    changes = [i for i in partition(customer_id, now) if isinstance(i, EmailChange)]
    return max(changes, key=lambda c: c.requested_at).new_email if changes else None


# --- input ------------------------------------------------------------------------------------


def _field(field: str, parse: Any, value: Any) -> Any:
    """The booking capability's rules for a field (one normal form for the whole system), or 400."""
    try:
        return parse(value)
    except validation.FieldError as error:
        raise Invalid(fields={field: error.key}) from None


def normalise_email(value: Any, field: str = "email") -> str:
    """A valid address in the form it is stored and looked up (as booking stores it)."""
    return str(_field(field, validation.email, value))


def normalise_phone(value: Any) -> str:
    """E.164; Swedish numbers may be written as people write them (070-123 45 67)."""
    return str(_field("phone", validation.phone, value))


def normalise_name(value: Any) -> str:
    return str(_field("name", validation.name, value))


def _only(body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise Invalid(fields={k: "unknown_field" for k in unknown})


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
    for field, parse in (("name", validation.name), ("phone", validation.phone), ("email", validation.email)):
        if field in body:
            try:
                parsed[field] = str(parse(body[field]))
            except validation.FieldError as error:
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
            customer.update(actions=actions, condition=Customer.link_generation == customer.link_generation)
        except UpdateError:
            raise Unauthorized() from None  # revoked meanwhile (erased, or a new address confirmed)
    if new_email:
        _request_email_change(customer, new_email, now)
    outcome = "email_pending" if new_email else "corrected"
    rights_log.record("rectification", channel, outcome, now)
    return {"customer": customer_json(customer), "pending_email": pending_email(customer.customer_id, now)}


def _request_email_change(customer: Customer, new_email: str, now: dt.datetime) -> None:
    """Keep the new address as pending and send its owner a link to confirm it.

    Whether another customer already has that address is not told here (that
    would reveal who is a customer); confirming then answers 409.
    """
    change_id = random.token_urlsafe(12)
    expires = now + dt.timedelta(hours=rights_mail.EMAIL_CONFIRM_HOURS)
    if customer.expires_at is not None:
        expires = min(expires, customer.expires_at)
    EmailChange(
        *EmailChange.key(customer.customer_id, change_id),
        change_id=change_id, new_email=new_email, requested_at=now, expires_at=expires,
    ).save()
    rights_mail.send_email_confirmation(customer, new_email, change_id, now)


def confirm_email(token: str, now: dt.datetime) -> tuple[Customer, str]:
    """Move the customer to the confirmed address and revoke every earlier link.

    One transaction: the profile (only if nothing changed since the link was
    sent), the new EmailKey (only if the address is free), the old EmailKey
    and every pending change. Returns the customer and a fresh data token.
    """
    holder = access.authenticate(token, ("email",), now)
    customer, claims = holder.customer, holder.claims
    try:
        change = EmailChange.get(*EmailChange.key(customer.customer_id, claims.ref or "-"), consistent_read=True)
    except EmailChange.DoesNotExist:
        raise Unauthorized() from None
    if not change.is_live(now):
        raise Unauthorized()
    old_email, new_email = customer.email, change.new_email
    pending = [i for i in partition(customer.customer_id) if isinstance(i, EmailChange)]
    try:
        with db.transaction() as tx:
            tx.update(customer, actions=[
                Customer.email.set(new_email),
                Customer.link_generation.add(1),
                Customer.updated_at.set(now),
            ], condition=(Customer.link_generation == claims.generation) & (Customer.email == old_email))
            tx.save(EmailKey(*EmailKey.key(new_email), customer_id=customer.customer_id, expires_at=customer.expires_at,
                             link_generation=claims.generation + 1),
                    condition=EmailKey.pk.does_not_exist() | (EmailKey.expires_at < now))
            tx.delete(EmailKey(*EmailKey.key(old_email)), condition=EmailKey.customer_id == customer.customer_id)
            for item in pending:
                tx.delete(item)
    except TransactWriteError:
        if access.load_customer(customer.customer_id, now) is None:
            raise Unauthorized() from None
        fresh = Customer.get(*Customer.key(customer.customer_id), consistent_read=True)
        if fresh.link_generation != claims.generation:
            raise Unauthorized() from None
        raise Conflict("email_taken", {"email": "email_taken"}) from None
    customer.refresh(consistent_read=True)
    rights_log.record("rectification", "web", "email_confirmed", now)
    return customer, links.data_token(customer.customer_id, int(customer.link_generation), now)


# --- marketing channels ---------------------------------------------------------------------


def set_marketing(customer: Customer, choices: Mapping[str, Any], source: str, now: dt.datetime) -> dict[str, bool]:
    """Turn channels on or off; each change is kept as a MarketingConsent (the proof)."""
    _only(choices, CHANNELS)
    if not choices:
        raise Invalid(fields={"body": "required"})
    for channel, value in choices.items():
        if not isinstance(value, bool):
            raise Invalid(fields={channel: "type"})
    current = marketing_json(customer)
    changed = {ch: v for ch, v in choices.items() if current[ch] != v}
    if changed:
        attribute = {"email": Customer.marketing_email, "sms": Customer.marketing_sms}
        try:
            with db.transaction() as tx:
                actions: list[Action] = [attribute[ch].set(v) for ch, v in changed.items()]
                tx.update(customer, actions=[*actions, Customer.updated_at.set(now)],
                          condition=Customer.link_generation == customer.link_generation)
                for channel, granted in changed.items():
                    tx.save(MarketingConsent(
                        customer_pk(customer.customer_id),
                        f"CONSENT#{now.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%S.%fZ}#{channel}",
                        channel=channel, granted=granted, source=source, at=now, expires_at=customer.expires_at,
                    ))
        except TransactWriteError:
            raise Unauthorized() from None
        customer.refresh(consistent_read=True)
    rights_log.record("marketing", "operator" if source == "operator" else "web", "updated" if changed else "unchanged", now)
    return marketing_json(customer)


def unsubscribe(token: str, now: dt.datetime) -> None:
    """RFC 8058 one-click: every marketing channel off, recorded with its source."""
    holder = access.authenticate(token, ("unsubscribe",), now)
    set_marketing(holder.customer, {"email": False, "sms": False}, "unsubscribe_link", now)


# --- a fresh link -------------------------------------------------------------------------


def request_link(raw_email: Any, now: dt.datetime) -> str:
    """Send a fresh data link to a known address; the caller answers the same either way.

    The same reads and writes happen for a known and an unknown address (the
    rate-limit counter, the EmailKey read, the request record); only a known
    address within its limit gets an e-mail. Returns the outcome (for the
    record and tests, never for the answer).
    """
    email = normalise_email(raw_email)
    allowed = ratelimit.hit("links", email, now, limit=LINKS_PER_WINDOW, window=LINK_WINDOW)
    customer = customer_by_email(email, now)
    if not allowed:
        outcome = "rate_limited"
    elif customer is None:
        outcome = "no_match"
    else:
        try:
            rights_mail.send_data_link(customer, now)
            outcome = "sent"
        except Exception:  # noqa: BLE001 - a failure must not answer differently for a known address
            log.exception("sending a data link failed")
            outcome = "failed"
    rights_log.record("link", "web", outcome, now)
    return outcome


def customer_by_email(email: str, now: dt.datetime) -> Customer | None:
    """Pattern 3: the EmailKey, then the profile; None unless both are live and agree."""
    try:
        key = EmailKey.get(*EmailKey.key(email), consistent_read=True)
    except EmailKey.DoesNotExist:
        return None
    if not key.is_live(now):
        return None
    customer = access.load_customer(key.customer_id, now)
    if customer is None or customer.email != email:
        return None
    return customer

