"""The booking page's question while it waits: has my payment confirmed the booking yet?"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass

from ..store import lookups
from . import gateway

WEBHOOK_GRACE = dt.timedelta(minutes=2)
CLIENT_SECRET = re.compile(r"^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$")


@dataclass(frozen=True)
class PaymentStatus:
    booking_id: str
    booking_status: str   # awaiting_payment until the webhook has confirmed it
    payment_status: str   # Stripe's: requires_payment_method | processing | succeeded | ...

    def public(self) -> dict[str, dict[str, str]]:
        return {"booking": {"id": self.booking_id, "status": self.booking_status},
                "payment": {"status": self.payment_status}}


def status_for(client_secret: str, now: dt.datetime) -> PaymentStatus | None:
    """The booking an intent pays for, to whoever holds the intent's client secret.

    The client secret is what the page got from ``POST /bookings``; it proves
    nothing but possession of that one payment, so the answer says nothing
    but two statuses. None when the secret, intent or booking does not match.
    """
    match = CLIENT_SECRET.match(client_secret)
    if not match:
        return None
    intent = gateway.intent(match.group(1))
    if intent is None or not hmac.compare_digest(intent.client_secret, client_secret):
        return None
    if not intent.booking_id or not intent.customer_id:
        return None
    booking = lookups.booking(intent.customer_id, intent.booking_id, now)
    if booking is None or booking.payment_intent_id != intent.payment_intent_id:
        return None
    status, paying = booking.status, intent.status
    if status == "awaiting_payment" and booking.hold_until is not None:
        # The page stops waiting once the time is no longer held: at once when no
        # payment is under way, else after the webhook has had ample time (a
        # payment that found its time taken is refunded by the webhook).
        grace = WEBHOOK_GRACE if paying in ("processing", "succeeded") else dt.timedelta(0)
        if now > booking.hold_until + grace:
            status = "lapsed"
    return PaymentStatus(booking_id=booking.booking_id, booking_status=status, payment_status=paying)
