"""The customer's parts of a booking's transaction: a new profile and its EmailKey, or
what a new booking changes on a known customer (see ``take``)."""

from __future__ import annotations

import datetime as dt

from ..store.models import Customer, EmailKey, Item, PhoneKey
from ..store.table import Action, Condition


def free_or_expired(now: dt.datetime) -> Condition:
    """A key nobody holds, or one whose retention has passed (TTL not yet run)."""
    return Item.pk.does_not_exist() | (Item.expires_at < now)


def live_condition(now: dt.datetime) -> Condition:
    return Item.pk.exists() & (Item.expires_at.does_not_exist() | (Item.expires_at > now))


def new_profile(customer_id: str, name: str, email: str | None, phone: str, language: str, expires: dt.datetime,
                now: dt.datetime) -> Customer:
    """A new customer, with no marketing channel: the booking form's ticks await confirmation (double opt-in)."""
    profile = Customer(
        *Customer.key(customer_id), customer_id=customer_id, name=name, email=email, phone=phone,
        language=language, marketing_email=False, marketing_sms=False, link_generation=1,
        created_at=now, updated_at=now, expires_at=expires,
    )
    profile.index_expiry()
    return profile


def new_email_key(email: str, customer_id: str, generation: int, expires: dt.datetime) -> EmailKey:
    return EmailKey(*EmailKey.key(email), customer_id=customer_id, link_generation=generation, expires_at=expires)


def new_identity_key(email: str | None, phone: str, customer_id: str, generation: int,
                     expires: dt.datetime) -> EmailKey | PhoneKey:
    """The EmailKey of a new customer, or the PhoneKey of a caller booked by staff without an address."""
    if email:
        return new_email_key(email, customer_id, generation, expires)
    return PhoneKey(*PhoneKey.key(phone), customer_id=customer_id, link_generation=generation, expires_at=expires)


def profile_update(customer_id: str, phone: str, language: str, expires: dt.datetime,
                   now: dt.datetime) -> list[Action]:
    """What a new booking changes on a known customer: the language, the expiry, and a phone only
    where none is kept. Never the marketing channels: a tick on the form is only a request until the
    owner of the address confirms it (double opt-in), and an unticked box withdraws nothing.

    Never the stored name or phone: anybody can type anybody's address into the booking form, and
    a stranger's number would then get the customer's SMS reminders. The customer corrects them
    with the link in the confirmation (PATCH /me)."""
    probe = Customer(*Customer.key(customer_id), expires_at=expires)
    probe.index_expiry()  # the profile is the root in the expiry index
    return [
        Customer.phone.set(Customer.phone | phone), Customer.language.set(language),
        Customer.updated_at.set(now), Customer.expires_at.set(expires),
        Customer.gsi2pk.set(probe.gsi2pk), Customer.gsi2sk.set(probe.gsi2sk),
    ]
