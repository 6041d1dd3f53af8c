"""The one DynamoDB table, and every kind of item in it.

Single-table design. Keys serve every access pattern of DESIGN.md with one
Query or GetItem (the numbers below are those of the list there):

  item            pk                      sk                        gsi1 (pk / sk)                       gsi2 (EXPIRY / sk)
  Customer        CUST#<cid>              PROFILE                   -                                    expiry epoch#pk   (3,4,10)
  EmailKey        EMAIL#<normalised>      EMAIL                     -                                    -                 (3)
  Booking         CUST#<cid>              BOOKING#<bid>             DAY#<local date> / <start>#<bid>     -                 (4,5,6)
  MarketingConsent CUST#<cid>             CONSENT#<at>#<channel>    -                                    -                 (4)
  Message         CUST#<cid>              MSG#<at>#<mid>            -                                    -                 (4)
  EmailChange     CUST#<cid>              EMAIL_CHANGE#<change id>  -                                    -                 (rights)
  SlotLock        LOCK#<staff>            <unit start, UTC ISO>     -                                    -                 (1,2)
  WebhookEvent    STRIPE_EVENT#<evt>      EVENT                     -                                    expiry            (7)
  LedgerEntry     LEDGER#<bid>            <kind>#<stripe id>        LEDGER_YEAR#<yyyy> / <date>#<bid>    expiry            (8)
  RefundClaim     LEDGER#<bid>            CLAIM#<intent>            -                                    expiry            (8)
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
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

EXPIRY_PARTITION = "EXPIRY"


class ByGsi1(GlobalSecondaryIndex["Item"]):
    """Reminders by day (6) and ledger rows by year (8)."""

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


# --- a customer's partition -------------------------------------------------


def customer_pk(customer_id: str) -> str:
    return f"CUST#{customer_id}"


class Customer(Item, discriminator="customer"):
    customer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()           # normalised
    phone = UnicodeAttribute(null=True)  # E.164
    language = UnicodeAttribute(default="sv")
    marketing_email = BooleanAttribute(default=False)
    marketing_sms = BooleanAttribute(default=False)
    link_generation = NumberAttribute(default=1)  # bumped to revoke every earlier link
    # Bumped by each unpaid hold a returning customer takes, on the condition that it is the value read
    # with their open holds: two holds booked at once cannot both pass the limit (booking.MAX_OPEN_HOLDS).
    hold_version = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(customer_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), "PROFILE"


class EmailKey(Item, discriminator="email"):
    """Makes an e-mail address unique and finds its customer (3)."""

    customer_id = UnicodeAttribute()
    # A copy of the profile's link_generation, so that booking needs one read; booking
    # checks it against the profile inside its transaction and re-reads when it differs.
    link_generation = NumberAttribute(null=True)

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "EMAIL"


class Booking(Item, discriminator="booking"):
    booking_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    locked_units = NumberAttribute()      # how many SlotLock items it holds from ``start``
    status = UnicodeAttribute()           # awaiting_payment | confirmed | cancelled | completed
    hold_until = UTCDateTimeAttribute(null=True)
    note = UnicodeAttribute(null=True)    # as the customer wrote it; never rendered as HTML
    language = UnicodeAttribute(default="sv")
    age_confirmed = BooleanAttribute(default=False)
    price_sek = NumberAttribute(default=0)
    prepayment_sek = NumberAttribute(default=0)
    payment_intent_id = UnicodeAttribute(null=True)
    paid_sek = NumberAttribute(default=0)
    refunded_sek = NumberAttribute(default=0)
    reminder_sent_at = UTCDateTimeAttribute(null=True)
    reminder_channel = UnicodeAttribute(default="email")  # email | sms: how the customer wants the reminder
    # Channels ticked on the booking form ("email", "sms", "email sms"): only a request until the customer
    # confirms it from the link in this booking's confirmation e-mail (double opt-in).
    marketing_requested = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)
    cancelled_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(customer_id: str, booking_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"BOOKING#{booking_id}"


class MarketingConsent(Item, discriminator="marketing_consent"):
    """One change of a marketing channel: the proof of opt-in or opt-out (sk ``...#request`` for a
    booking form's request, which may share its instant with the grant that confirms it)."""

    channel = UnicodeAttribute()   # email | sms
    granted = BooleanAttribute()
    source = UnicodeAttribute()    # booking_form | email_confirmation | preferences_page | unsubscribe_link | operator
    at = UTCDateTimeAttribute()
    # awaiting_confirmation: a booking form's tick (granted false), in force only once the customer
    # confirms from the e-mail (then a granted record with source email_confirmation); absent: in force.
    state = UnicodeAttribute(null=True)


class Message(Item, discriminator="message"):
    """A message sent to the customer, for the export and the erasure."""

    message_id = UnicodeAttribute()
    channel = UnicodeAttribute()   # email | sms
    purpose = UnicodeAttribute()   # confirmation | reminder | reschedule | cancellation | link | marketing
    recipient = UnicodeAttribute()
    subject = UnicodeAttribute(null=True)
    booking_id = UnicodeAttribute(null=True)
    sent_at = UTCDateTimeAttribute()
    transport_id = UnicodeAttribute(null=True)  # SES message id or outbox file name


class EmailChange(Item, discriminator="email_change"):
    """A new e-mail address waiting for its owner to confirm it from a link.

    The address takes effect only on confirmation; the item expires after a day.
    """

    change_id = UnicodeAttribute()
    new_email = UnicodeAttribute()  # normalised
    requested_at = UTCDateTimeAttribute()

    @staticmethod
    def key(customer_id: str, change_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"EMAIL_CHANGE#{change_id}"


# --- the calendar -------------------------------------------------------------


class SlotLock(Item, discriminator="slot_lock"):
    """One staff member's time unit taken by one booking (1, 2).

    Taken with ``attribute_not_exists(pk) OR hold_until <= :now``: a unit is
    free if nobody holds it or if an unpaid hold has lapsed.
    """

    booking_id = UnicodeAttribute()
    hold_until = UTCDateTimeAttribute(null=True)  # set while awaiting payment

    @staticmethod
    def key(staff_id: str, unit_start: dt.datetime) -> tuple[str, str]:
        return f"LOCK#{staff_id}", unit_start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


# --- payments -------------------------------------------------------------------


class WebhookEvent(Item, discriminator="webhook_event"):
    """A Stripe event id already handled (7); no personal data."""

    event_type = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="completed")  # in_progress | completed (see webhooks.py)
    lease_until = UTCDateTimeAttribute(null=True)   # an in_progress record older than this may be taken over

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"STRIPE_EVENT#{event_id}", "EVENT"


class LedgerEntry(Item, discriminator="ledger"):
    """An accounting record (8): kept 7 years, never names, e-mails or phones."""

    booking_id = UnicodeAttribute()
    entry_type = UnicodeAttribute()       # payment | refund
    amount_ore = NumberAttribute()        # positive for payments, negative for refunds
    currency = UnicodeAttribute(default="sek")
    booked_on = UnicodeAttribute()        # YYYY-MM-DD, Stockholm
    payment_intent_id = UnicodeAttribute()
    stripe_object_id = UnicodeAttribute()  # charge or refund id
    recorded_at = UTCDateTimeAttribute()


class RefundClaim(Item, discriminator="refund_claim"):
    """How much of one payment has been claimed for refunds (pk LEDGER#<bid>, sk CLAIM#<intent>).

    Raised with a conditional update *before* Stripe is asked, so that two
    cancels at once can never refund more than was paid. No personal data.
    """

    booking_id = UnicodeAttribute()
    payment_intent_id = UnicodeAttribute()
    paid_ore = NumberAttribute()
    claimed_ore = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(booking_id: str, payment_intent_id: str) -> tuple[str, str]:
        return f"LEDGER#{booking_id}", f"CLAIM#{payment_intent_id}"


# --- the site -------------------------------------------------------------------


class CookieConsent(Item, discriminator="cookie_consent"):
    """Proof of a cookie choice (9): a random id, the choices, the policy version."""

    consent_id = UnicodeAttribute()
    choices = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
    policy_version = UnicodeAttribute()
    given_at = UTCDateTimeAttribute()


class PageCount(Item, discriminator="page_count"):
    """Aggregate page views per day (12), counted only after consent."""

    views = NumberAttribute(default=0)


# --- rights and retention -------------------------------------------------------------


class RightsRequest(Item, discriminator="rights_request"):
    """A data-subject request and its answer (11); no personal data."""

    request_id = UnicodeAttribute()
    request_type = UnicodeAttribute()  # access | rectification | erasure | marketing | link
    channel = UnicodeAttribute()       # web | operator
    received_at = UTCDateTimeAttribute()
    answered_at = UTCDateTimeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)


class RateLimit(Item, discriminator="rate_limit"):
    """Counts attempts per key and window (for POST /links)."""

    attempts = NumberAttribute(default=0)


class DeletionRecord(Item, discriminator="deletion"):
    """That a customer's data ended with its retention (10): when, why, how much; no personal data."""

    reason = UnicodeAttribute()          # ttl | schedule | operator
    deleted_at = UTCDateTimeAttribute()
    expired_at = UTCDateTimeAttribute(null=True)  # the customer's expiry
    items = NumberAttribute(default=0)   # how many items went, by kind in ``kinds``
    kinds = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]
