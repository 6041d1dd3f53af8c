"""The one DynamoDB table, and every kind of item in it.

Single-table design. Keys serve every access pattern of docs/architecture.md with one
Query or GetItem (the numbers below are those of the list in docs/architecture.md):

  item            pk                      sk                        gsi1 (pk / sk)                       gsi2 (EXPIRY / sk)
  Customer        CUST#<cid>              PROFILE                   -                                    expiry epoch#pk   (3,4,10)
  EmailKey        EMAIL#<normalised>      EMAIL                     -                                    -                 (3)
  Booking         CUST#<cid>              BOOKING#<bid>             CAL#<local yyyy-mm> / <start>#<bid>  -                 (4,5,6,13)
  BookingRef      CUST#<cid>              REF#<bid>                 BOOKING#<bid> / REF                  -                 (5, staff)
  ComplaintRef    CUST#<cid>              CREF#<id>                 COMPLAINT#<id> / REF                 -                 (18, staff)
  PhoneKey        PHONE#<E.164>           PHONE                     -                                    -                 (3, callers)
  CustomerTerm    CUST#<cid>              FIND#<field>#<term>       FIND#<field> / <term>#<cid>          -                 (staff search)
  AccessEntry     CUST#<cid>              ACCESS#<date>#<staff>#<w> -                                    -                 (15)
  MarketingConsent CUST#<cid>             CONSENT#<at>#<channel>    -                                    -                 (4)
  Message         CUST#<cid>              MSG#<at>#<mid>            OUTBOX#due / <next attempt>#<mid>    -                 (4, outbox)
                                                                    or OUTBOX#failed / <failed at>#<mid>
  EmailChange     CUST#<cid>              EMAIL_CHANGE#<change id>  -                                    -                 (rights)
  OptIn           CUST#<cid>              OPTIN#<channel>           OPTIN#<channel> / <cid>              -                 (16)
  OfferDelivery   CUST#<cid>              OFFER#<oid>#<ch> | FOLLOWUP#<bid>#<fid>#<ch>  -                    -                 (16)
  Offer           OFFER#<id>              OFFER                     OFFERS[#sending] / <created>#<id>    -                 (16)
  SlotLock        LOCK#<staff>            <unit start, UTC ISO>     -                                    -                 (1,2)
  BlockMarker     LOCK#<staff>            <unit start>#B            -                                    -                 (1,2,13)
  Block           BLOCK#<id>              BLOCK                     BLOCKS / <end>#<id>                  -                 (13)
  StaffAccount    STAFF#<staff>           ACCOUNT | FAIL#<at>#<r>   -                                    -                 (14)
  SignInLink      SIGNIN#<sha256>         LINK                      -                                    -                 (14)
  StaffSession    SESSION#<sha256>        SESSION                   -                                    -                 (14)
  FeedKey         FEED#<sha256>           FEED                      -                                    -                 (14)
  WebhookEvent    STRIPE_EVENT#<evt>      EVENT                     -                                    expiry            (7)
  LedgerEntry     LEDGER#<bid>            <kind>#<stripe id>        LEDGER_YEAR#<yyyy> / <date>#<bid>    expiry            (8)
  RefundClaim     LEDGER#<bid>            CLAIM#<intent>            -                                    expiry            (8)
  Receipt         LEDGER#<bid>            RECEIPT#<stripe id>       RECEIPT_YEAR#<yyyy> / <number>       expiry            (20)
  ReceiptCounter  RECEIPT_SERIES          COUNTER                   -                                    -                 (20)
  CookieConsent   COOKIE#<consent id>     <given at>                -                                    expiry            (9)
  RightsRequest   DSR#<yyyy-mm>           <received at>#<rid>       -                                    expiry            (11)
  PageCount       STATS#<yyyy-mm-dd>      <page path>               -                                    expiry            (12)
  RateLimit       RATE#<hash>             <window>                  -                                    -                 (links)
  DeletionRecord  DELETIONS#<yyyy-mm>     <deleted at>#<rid>        -                                    expiry            (10)

Everything in a customer's partition (CUST#<cid>) and their EmailKey carries
the customer's expiry (retention.py); the profile alone is in gsi2, because
deleting a customer deletes the whole partition (pattern 10 without a Scan).
A booking is found by id through the customer id that every link carries.
Pattern 7 uses the PaymentIntent's metadata (customer and booking id) plus
the booking's own ``payment_intent_id``, which must match.

``expires_at`` is the TTL attribute. DynamoDB deletes within about two days of
it and DynamoDB Local never does, so every read filters on it (``live()``).
"""

from __future__ import annotations

import datetime as dt

from pynamodb.attributes import (
    DiscriminatorAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

EXPIRY_PARTITION = "EXPIRY"

__all__ = ["EXPIRY_PARTITION", "Action", "ByExpiry", "ByGsi1", "Condition", "Item", "customer_pk", "live"]


class ByGsi1(GlobalSecondaryIndex["Item"]):
    """Bookings by month (6, 13), blocks by end (13), bookings by id and customers by term (staff), ledger rows by year (8)."""

    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByExpiry(GlobalSecondaryIndex["Item"]):
    """What expires by a given day (10): one partition, sorted by expiry.

    One partition is plenty at a clinic's scale (a few writes a minute);
    only roots are in it, never every item of a customer.
    """

    class Meta:
        index_name = "gsi2"
        projection = IncludeProjection(["kind", "expires_at"])

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Item(Model):
    """The table. Subclasses are the kinds of item; ``kind`` tells them apart."""

    class Meta:
        table_name = "allavie"  # db.bind() sets the real name, host and region
        region = "eu-north-1"
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"  # the outbox's sender and the TTL cascade read it

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    expires_at = TTLAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)

    by_gsi1 = ByGsi1()
    by_expiry = ByExpiry()

    def index_expiry(self) -> None:
        """Put this root item in the expiry index under its ``expires_at``."""
        if self.expires_at is None:
            self.gsi2pk = self.gsi2sk = None
        else:
            self.gsi2pk = EXPIRY_PARTITION
            self.gsi2sk = f"{int(self.expires_at.timestamp()):011d}#{self.pk}#{self.sk}"

    def is_live(self, now: dt.datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


def live(now: dt.datetime) -> Condition:
    """Filter for reads: items whose retention has not passed."""
    return Item.expires_at.does_not_exist() | (Item.expires_at > now)


def customer_pk(customer_id: str) -> str:
    return f"CUST#{customer_id}"
