"""Double opt-in for the offers ticked on the booking form.

Anybody can type anybody's address into the booking form, so a tick there is
only a request. Booking records it (a MarketingConsent with ``granted`` false,
``state`` awaiting_confirmation, source booking_form) and names the channels on
the booking (``marketing_requested``); the customer's channels stay as they were.
The booking's confirmation e-mail, which only the owner of the address gets,
carries a link whose signed token (purpose ``marketing``) names exactly the
channels asked for and not yet granted. The Utskick page POSTs that token to
``/me/marketing/confirm``, which grants those channels and records the proof
(source email_confirmation).

Nothing pending is stored to be looked up: the token is the request, signed,
expiring, and revoked like every link by a new address or an erasure
(``link_generation``). Confirming twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt

from ..links import tokens, urls
from ..store.models import Booking, Customer, MarketingConsent
from .consents import CHANNELS, consent

CONFIRM_DAYS = 30
AWAITING = "awaiting_confirmation"


def ticked(marketing_email: bool, marketing_sms: bool) -> tuple[str, ...]:
    return tuple(ch for ch, on in zip(CHANNELS, (marketing_email, marketing_sms), strict=True) if on)


def requests(customer_id: str, channels: tuple[str, ...], now: dt.datetime,
             expires: dt.datetime) -> list[MarketingConsent]:
    """The proof of what the booking form asked for, awaiting the customer's confirmation."""
    records = []
    for channel in channels:
        record = consent(customer_id, channel, False, "booking_form", now, expires, request=True)
        record.state = AWAITING
        records.append(record)
    return records


def to_ask(booking: Booking, customer: Customer) -> tuple[str, ...]:
    """The channels this booking asked for that the customer has not granted (nobody is asked twice)."""
    granted = {"email": bool(customer.marketing_email), "sms": bool(customer.marketing_sms)}
    asked = (booking.marketing_requested or "").split()
    return tuple(ch for ch in CHANNELS if ch in asked and not granted[ch])


def confirm_url(customer: Customer, channels: tuple[str, ...], now: dt.datetime) -> str:
    """The Utskick page with a token that confirms exactly ``channels``."""
    token = tokens.issue(customer.customer_id, "marketing", int(customer.link_generation),
                        now + dt.timedelta(days=CONFIRM_DAYS), ref=" ".join(channels))
    return urls.page_url("preferences", token, customer.language, confirm="marketing")


def channels_of(claims: tokens.Claims) -> tuple[str, ...] | None:
    """The channels a ``marketing`` link confirms, or None when it names none we know (then it is no link of ours)."""
    channels = tuple((claims.ref or "").split())
    if not channels or any(ch not in CHANNELS for ch in channels):
        return None
    return channels
