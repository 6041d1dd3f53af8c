"""Customers: found by their normalised e-mail address, checked against links.

The writes that create or update a customer happen inside the booking's
transaction (booking.py); here are the reads and the pieces of that
transaction that concern the customer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from . import links
from .errors import Unauthorized
from .models import Booking, Customer, EmailKey, Item, MarketingConsent, customer_pk, live


@dataclass(frozen=True)
class Known:
    """What the EmailKey of an address says about its customer (one GetItem)."""

    customer_id: str
    link_generation: int | None  # None when the key carries no copy: read the profile
    expires_at: dt.datetime | None


def new_id() -> str:
    return secrets.token_hex(10)


def lookup(email: str, now: dt.datetime) -> Known | None:
    """The customer of a normalised address, or None (expired keys count as absent)."""
    try:
        key = EmailKey.get(*EmailKey.key(email), consistent_read=True)
    except DoesNotExist:
        return None
    if not key.is_live(now):
        return None
    generation = int(key.link_generation) if key.link_generation is not None else None
    return Known(key.customer_id, generation, key.expires_at)


def get(customer_id: str, now: dt.datetime) -> Customer | None:
    """The live profile, or None."""
    try:
        profile = Customer.get(*Customer.key(customer_id), consistent_read=True)
    except DoesNotExist:
        return None
    return profile if profile.is_live(now) else None


def from_link(claims: links.Claims, now: dt.datetime) -> Customer:
    """The customer a link names, if the link has not been revoked; else 401."""
    profile = get(claims.customer_id, now)
    if profile is None or int(profile.link_generation) != claims.generation:
        raise Unauthorized()
    return profile


@dataclass(frozen=True)
class Holds:
    """A returning customer's profile and how many unpaid holds they have open."""

    profile: Customer | None
    count: int


def open_holds(customer_id: str, now: dt.datetime) -> Holds:
    """One consistent Query of the customer's partition: the profile and the bookings awaiting payment
    whose hold has not lapsed (a lapsed hold blocks nothing). The filter leaves out the rest, but
    DynamoDB still reads (and charges for) every item of the partition."""
    wanted = Customer.link_generation.exists() | (
        (Booking.status == "awaiting_payment") & (Booking.hold_until > now))
    profile, count = None, 0
    for item in Item.query(customer_pk(customer_id), filter_condition=wanted & live(now), consistent_read=True):
        if isinstance(item, Customer):
            profile = item
        elif isinstance(item, Booking):
            count += 1
    return Holds(profile, count)


def free_or_expired(now: dt.datetime) -> Condition:
    """A key nobody holds, or one whose retention has passed (TTL not yet run)."""
    return Item.pk.does_not_exist() | (Item.expires_at < now)


def live_condition(now: dt.datetime) -> Condition:
    return Item.pk.exists() & (Item.expires_at.does_not_exist() | (Item.expires_at > now))


def new_profile(customer_id: str, name: str, email: str, phone: str, language: str, expires: dt.datetime,
                now: dt.datetime) -> Customer:
    """A new customer, with no marketing channel: the booking form's ticks await confirmation (marketing.py)."""
    profile = Customer(
        *Customer.key(customer_id), customer_id=customer_id, name=name, email=email, phone=phone,
        language=language, marketing_email=False, marketing_sms=False, link_generation=1,
        created_at=now, updated_at=now, expires_at=expires,
    )
    profile.index_expiry()
    return profile


def new_email_key(email: str, customer_id: str, generation: int, expires: dt.datetime) -> EmailKey:
    return EmailKey(*EmailKey.key(email), customer_id=customer_id, link_generation=generation, expires_at=expires)


def profile_update(customer_id: str, phone: str, language: str, expires: dt.datetime,
                   now: dt.datetime) -> list[Action]:
    """What a new booking changes on a known customer: the language, the expiry, and a phone only
    where none is kept. Never the marketing channels: a tick on the form is only a request until the
    owner of the address confirms it (marketing.py), and an unticked box withdraws nothing.

    Never the stored name or phone: anybody can type anybody's address into the booking form, and
    a stranger's number would then get the customer's SMS reminders. The customer corrects them
    with the link in the confirmation (PATCH /me)."""
    probe = Customer(*Customer.key(customer_id), expires_at=expires)
    probe.index_expiry()  # the profile is the root in the expiry index
    actions: list[Action] = [
        Customer.phone.set(Customer.phone | phone), Customer.language.set(language),
        Customer.updated_at.set(now), Customer.expires_at.set(expires),
        Customer.gsi2pk.set(probe.gsi2pk), Customer.gsi2sk.set(probe.gsi2sk),
    ]
    return actions


def consent(customer_id: str, channel: str, granted: bool, source: str, now: dt.datetime,
            expires: dt.datetime) -> MarketingConsent:
    """The proof of one marketing choice: channel, yes or no, when, and where it was made."""
    at = now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return MarketingConsent(customer_pk(customer_id), f"CONSENT#{at}#{channel}", channel=channel, granted=granted,
                            source=source, at=now, expires_at=expires)
