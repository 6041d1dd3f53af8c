"""The proof of each marketing choice: channel, yes or no, when, and where it was made."""

from __future__ import annotations

import datetime as dt

from ..store.models import MarketingConsent

CHANNELS = ("email", "sms")
SOURCES = ("booking_form", "email_confirmation", "preferences_page", "unsubscribe_link", "operator")


def consent(customer_id: str, channel: str, granted: bool, source: str, now: dt.datetime,
            expires: dt.datetime | None, *, request: bool = False) -> MarketingConsent:
    """One change of a channel, kept in the customer's partition for as long as their data."""
    return MarketingConsent(*MarketingConsent.key(customer_id, now, channel, request=request), channel=channel,
                            granted=granted, source=source, at=now, expires_at=expires)
