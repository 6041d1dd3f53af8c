"""Records without personal data: cookie proofs, page counts, rights requests, rate limits, deletions."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..table import Item, Keys


class CookieConsent(Item, discriminator="cookie_consent"):
    """Proof of a cookie choice (9): a random id, the choices, the policy version."""

    KEYS = Keys(pk="`COOKIE#<consent id>`", sk="`<given at>`", gsi2="expiry", patterns="9")

    consent_id = UnicodeAttribute()
    choices = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
    policy_version = UnicodeAttribute()
    given_at = UTCDateTimeAttribute()


class PageCount(Item, discriminator="page_count"):
    """Aggregate page views per day (12), counted only after consent."""

    KEYS = Keys(pk="`STATS#<yyyy-mm-dd>`", sk="`<page path>`", gsi2="expiry", patterns="12")

    views = NumberAttribute(default=0)




class RightsRequest(Item, discriminator="rights_request"):
    """A data-subject request and its answer (11); no personal data."""

    KEYS = Keys(pk="`DSR#<yyyy-mm>`", sk="`<received at>#<rid>`", gsi2="expiry", patterns="11")

    request_id = UnicodeAttribute()
    request_type = UnicodeAttribute()  # access | rectification | erasure | marketing | link
    channel = UnicodeAttribute()       # web | operator
    received_at = UTCDateTimeAttribute()
    answered_at = UTCDateTimeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)


class RateLimit(Item, discriminator="rate_limit"):
    """Counts attempts per key and window (for POST /links)."""

    KEYS = Keys(pk="`RATE#<keyed hash>`", sk="`<window>`", patterns="(links, sign-in)")

    attempts = NumberAttribute(default=0)


class DeletionRecord(Item, discriminator="deletion"):
    """That a customer's data ended with its retention (10): when, why, how much; no personal data."""

    KEYS = Keys(pk="`DELETIONS#<yyyy-mm>`", sk="`<deleted at>#<rid>`", gsi2="expiry", patterns="10")

    reason = UnicodeAttribute()          # ttl | schedule | operator
    deleted_at = UTCDateTimeAttribute()
    expired_at = UTCDateTimeAttribute(null=True)  # the customer's expiry
    items = NumberAttribute(default=0)   # how many items went, by kind in ``kinds``
    kinds = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
