"""Who holds a link: its token checked against the stored customer.

``links.verify`` proves the token is ours, unaltered, unexpired and of the
right purpose. Here the customer it names must still exist, be live and have
the same ``link_generation`` (a new e-mail address or an erasure bumps or
removes it, revoking every earlier link). Anything else is 401; a valid
token used on somebody else's data is 404 (``own_booking``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import links
from .errors import NotFound, Unauthorized
from .models import Booking, Customer


@dataclass(frozen=True)
class LinkHolder:
    claims: links.Claims
    customer: Customer


def load_customer(customer_id: str, now: dt.datetime) -> Customer | None:
    """The live profile, read consistently (a revocation must count at once)."""
    try:
        customer = Customer.get(*Customer.key(customer_id), consistent_read=True)
    except Customer.DoesNotExist:
        return None
    return customer if customer.is_live(now) else None


def authenticate(token: str, purposes: tuple[str, ...], now: dt.datetime) -> LinkHolder:
    """The customer a token names, or 401 (altered, expired, wrong purpose, revoked, erased)."""
    claims = links.verify(token, purposes, now)
    customer = load_customer(claims.customer_id, now)
    if customer is None or int(customer.link_generation) != claims.generation:
        raise Unauthorized()
    return LinkHolder(claims, customer)


def own_booking(holder: LinkHolder, booking_id: str, now: dt.datetime) -> Booking:
    """One of the holder's bookings; 404 for anybody else's (or one that is gone).

    A booking link opens only its own booking; a data link opens any of the
    customer's. Looking in the holder's own partition means another
    customer's booking id is simply not found there.
    """
    claims = holder.claims
    if claims.purpose == "booking" and claims.booking_id != booking_id:
        raise NotFound()
    try:
        booking = Booking.get(*Booking.key(holder.customer.customer_id, booking_id), consistent_read=True)
    except Booking.DoesNotExist:
        raise NotFound() from None
    if not booking.is_live(now):
        raise NotFound()
    return booking
