"""Who holds a link: the one authentication check of the customer's pages.

``tokens.verify`` proves the token is ours, unaltered, unexpired and of the
right purpose. Here the customer it names must still exist, be live and have
the same ``link_generation`` (a new e-mail address or an erasure bumps or
removes it, revoking every earlier link). Anything else is 401; a valid
token used on somebody else's data is 404 (``own_booking``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..core.errors import NotFound, Unauthorized
from ..store import lookups
from ..store.models import Booking, Customer
from . import tokens

BOOKING_ID = re.compile(r"^[0-9a-f]{16}$")
BOOKING_PAGES = ("booking", "data")  # a booking's own link, or the customer's data link


@dataclass(frozen=True)
class LinkHolder:
    claims: tokens.Claims
    customer: Customer


def authenticate(token: str, purposes: tuple[str, ...], now: dt.datetime) -> LinkHolder:
    """The customer a token names, or 401 (altered, expired, wrong purpose, revoked, erased)."""
    claims = tokens.verify(token, purposes, now)
    customer = lookups.profile(claims.customer_id, now)
    if customer is None or int(customer.link_generation) != claims.generation:
        raise Unauthorized()
    return LinkHolder(claims, customer)


def own_booking(holder: LinkHolder, booking_id: str, now: dt.datetime) -> Booking:
    """One of the holder's bookings; 404 for anybody else's (or one that is gone).

    A booking link opens only its own booking; a data link opens any of the
    customer's. Looking in the holder's own partition means another
    customer's booking id is simply not found there.
    """
    if holder.claims.purpose in ("booking", "photos") and holder.claims.booking_id != booking_id:
        raise NotFound()
    if not BOOKING_ID.match(booking_id or ""):
        raise NotFound()
    found = lookups.booking(holder.customer.customer_id, booking_id, now)
    if found is None:
        raise NotFound()
    return found


def open_booking(token: str, booking_id: str, now: dt.datetime,
                 purposes: tuple[str, ...] = BOOKING_PAGES) -> tuple[LinkHolder, Booking]:
    """The booking a link opens. The token is checked first: a bad token is 401 whatever the id
    or body, and only a valid holder learns that an id is not theirs (404)."""
    holder = authenticate(token, purposes, now)
    return holder, own_booking(holder, booking_id, now)
