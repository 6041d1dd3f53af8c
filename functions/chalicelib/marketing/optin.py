"""The lists of who may get offers (16): one ``OptIn`` marker per customer and channel whose confirmed
consent is on, in the customer's partition (it expires and goes with them) and in gsi1
``OPTIN#<channel>`` (the recipients of a channel are one paginated Query). The marker is written and
deleted in the same transaction as the customer's flag (rights.preferences), and ``reconcile`` brings
customers from before the lists up to date (``allavie staff reindex``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..store import lookups, offers_repo
from ..store.models import Customer, OptIn
from ..store.tx import Tx, Write, write_all
from .consents import CHANNELS


def is_on(customer: Customer, channel: str) -> bool:
    """The customer's confirmed consent for ``channel`` (a booking form's tick counts only once confirmed)."""
    return bool(customer.marketing_email if channel == "email" else customer.marketing_sms)


def reachable(customer: Customer, channel: str) -> bool:
    """Their consent is on and they have the address the channel needs."""
    return is_on(customer, channel) and bool(customer.email if channel == "email" else customer.phone)


def add_changes(change: Tx, customer: Customer, changed: Mapping[str, bool], now: dt.datetime) -> None:
    """The markers of ``changed`` channels, in the transaction that changes the customer's flags."""
    for channel, granted in changed.items():
        if granted:
            change.put(f"optin_{channel}", OptIn.make(customer.customer_id, channel, now, customer.expires_at))
        else:
            change.delete(f"optin_{channel}", OptIn(*OptIn.key(customer.customer_id, channel)))


def reconcile(customer_id: str, now: dt.datetime) -> int:
    """Make one customer's markers match their flags (one consistent Query, then the differences)."""
    items = lookups.partition(customer_id)
    profile = next((i for i in items if isinstance(i, Customer) and i.is_live(now)), None)
    have = {i.channel: i for i in items if isinstance(i, OptIn)}
    writes: list[Write] = []
    for channel in CHANNELS:
        want = profile is not None and is_on(profile, channel)
        if want and channel not in have and profile is not None:
            writes.append(Write(OptIn.make(customer_id, channel, now, profile.expires_at), put=True))
        elif not want and channel in have:
            writes.append(Write(have[channel]))
    return len(write_all(writes).written) if writes else 0


def count(channel: str, now: dt.datetime) -> int:
    """How many are on the list of ``channel`` now (one Query of gsi1, keys and expiry only)."""
    return offers_repo.optin_count(channel, now)


def page(channel: str, after: str | None, limit: int) -> list[str]:
    """The next ``limit`` customer ids on the list of ``channel`` after ``after`` (gsi1, in id order)."""
    return offers_repo.optin_page(channel, after, limit)
