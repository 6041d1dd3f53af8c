"""Records without personal data: cookie proofs, page counts, rights requests, rate limits, deletions."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..processing import Basis, Data, Period, Processing, Recipient, Subject
from ..table import Item, Keys


class CookieConsent(Item, discriminator="cookie_consent"):
    """Proof of a cookie choice (9): a random id, the choices, the policy version."""

    KEYS = Keys(pk="`COOKIE#<consent id>`", sk="`<given at>`", gsi2="expiry", patterns="9")
    PROCESSING = Processing(
        purpose_sv="Bevis om besökarens val av cookies (slumpat id, valen, policyversion).",
        purpose_en="Proof of the visitor's cookie choice (a random id, the choices, the policy version).",
        legal_basis=(Basis.LEGAL_OBLIGATION,), subjects=(Subject.VISITORS,), categories=(Data.COOKIE_CHOICE,),
        recipients=(Recipient.DYNAMODB,), retention=Period("3 år efter valet", "3 years after the choice"))

    consent_id = UnicodeAttribute()
    choices = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
    policy_version = UnicodeAttribute()
    given_at = UTCDateTimeAttribute()


class PageCount(Item, discriminator="page_count"):
    """Aggregate page views per day (12), counted only after consent."""

    KEYS = Keys(pk="`STATS#<yyyy-mm-dd>`", sk="`<page path>`", gsi2="expiry", patterns="12")
    PROCESSING = Processing(
        purpose_sv="Antal sidvisningar per sida och dag, räknade bara efter samtycke; ingen uppgift om vem.",
        purpose_en="Page views per page and day, counted only after consent; nothing about who.",
        legal_basis=(Basis.CONSENT,), subjects=(), categories=(), recipients=(Recipient.DYNAMODB,),
        retention=Period("25 månader", "25 months"))

    views = NumberAttribute(default=0)




class RightsRequest(Item, discriminator="rights_request"):
    """A data-subject request and its answer (11); no personal data."""

    KEYS = Keys(pk="`DSR#<yyyy-mm>`", sk="`<received at>#<rid>`", gsi2="expiry", patterns="11")
    PROCESSING = Processing(
        purpose_sv="Att en begäran från en registrerad besvarats och när (typ, kanal, datum, utfall); inga uppgifter om vem.",
        purpose_en="That a data subject's request was answered and when (type, channel, dates, outcome); nothing about who.",
        legal_basis=(Basis.LEGAL_OBLIGATION,), subjects=(), categories=(), recipients=(Recipient.DYNAMODB,),
        retention=Period("36 månader efter att begäran kom in", "36 months after the request came in"))

    request_id = UnicodeAttribute()
    request_type = UnicodeAttribute()  # access | rectification | erasure | marketing | link
    channel = UnicodeAttribute()       # web | operator
    received_at = UTCDateTimeAttribute()
    answered_at = UTCDateTimeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)


class RateLimit(Item, discriminator="rate_limit"):
    """Counts attempts per key and window (for POST /links)."""

    KEYS = Keys(pk="`RATE#<keyed hash>`", sk="`<window>`", patterns="(links, sign-in)")
    PROCESSING = Processing(
        purpose_sv="Begränsar försök per e-postadress eller nätverksadress (länkar, inloggning, obetalda bokningar) "
                   "mot missbruk.",
        purpose_en="Limits attempts per e-mail or network address (links, sign-in, unpaid holds) against abuse.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(Subject.CUSTOMERS, Subject.VISITORS, Subject.STAFF),
        categories=(Data.NETWORK_HASH,), recipients=(Recipient.DYNAMODB,),
        retention=Period("två tidsfönster (2 timmar)", "two windows (2 hours)"))

    attempts = NumberAttribute(default=0)


class DeletionRecord(Item, discriminator="deletion"):
    """That a customer's data ended with its retention (10): when, why, how much; no personal data."""

    KEYS = Keys(pk="`DELETIONS#<yyyy-mm>`", sk="`<deleted at>#<rid>`", gsi2="expiry", patterns="10")
    PROCESSING = Processing(
        purpose_sv="Att en kunds uppgifter raderats, när, varför och hur många poster; inga uppgifter om vem.",
        purpose_en="That a customer's data was deleted, when, why and how many items; nothing about who.",
        legal_basis=(Basis.LEGAL_OBLIGATION,), subjects=(), categories=(), recipients=(Recipient.DYNAMODB,),
        retention=Period("36 månader efter raderingen", "36 months after the deletion"))

    reason = UnicodeAttribute()          # ttl | schedule | operator
    deleted_at = UTCDateTimeAttribute()
    expired_at = UTCDateTimeAttribute(null=True)  # the customer's expiry
    items = NumberAttribute(default=0)   # how many items went, by kind in ``kinds``
    kinds = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
