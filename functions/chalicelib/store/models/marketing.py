"""Offers (16): who agreed to which channel, the offers the clinic writes, and each message sent.

- ``OptIn``: one per customer and channel whose consent is on, in the customer's partition
  (``OPTIN#<channel>``, so it expires and goes with them) and in gsi1 ``OPTIN#<channel>`` / ``<cid>``:
  the recipients of a channel are one paginated Query, never a Scan. Written and deleted in the same
  transaction as every change of that channel (rights.preferences).
- ``Offer``: ``OFFER#<id>`` / ``OFFER``, in gsi1 ``OFFERS`` / ``<created at>#<id>`` (the back office's
  list; ``OFFERS#sending`` while it goes out, which the stalled-send check reads: the list reads both). No personal data:
  subject, text, channels, the sender's cursor and the counts.
- ``OfferDelivery``: that one customer got one offer (``OFFER#<offer id>#<channel>``) or one follow-up of
  a visit (``FOLLOWUP#<booking id>#<follow-up id>#<channel>``) by one channel, put with
  ``attribute_not_exists`` in the transaction that queues the message: nobody gets anything twice.
  In the customer's partition, with their expiry.
"""

from __future__ import annotations

import datetime as dt

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..processing import WITH_THE_CUSTOMER, Basis, Data, Period, Processing, Recipient, Subject
from ..table import Item, Keys, customer_pk

OPTIN_PREFIX = "OPTIN#"


class OptIn(Item, discriminator="optin"):
    """A customer on the list of a channel (16): exists exactly while their consent for it is on."""

    KEYS = Keys(pk="`CUST#<cid>`", sk="`OPTIN#<channel>`", gsi1="`OPTIN#<channel>` / `<cid>`", patterns="16")
    PROCESSING = Processing(
        purpose_sv="Listan över kunder som samtyckt till erbjudanden i en kanal (finns bara medan samtycket gäller).",
        purpose_en="The list of customers who consented to offers by a channel (exists only while consent is on).",
        legal_basis=(Basis.CONSENT,), subjects=(Subject.CUSTOMERS,), categories=(Data.MARKETING, Data.CUSTOMER_IDS),
        recipients=(Recipient.DYNAMODB,),
        retention=Period("tills samtycket återkallas; högst " + WITH_THE_CUSTOMER.sv,
                         "until consent is withdrawn; at most " + WITH_THE_CUSTOMER.en))

    customer_id = UnicodeAttribute()
    channel = UnicodeAttribute()     # email | sms
    since = UTCDateTimeAttribute()

    @staticmethod
    def key(customer_id: str, channel: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"{OPTIN_PREFIX}{channel}"

    @staticmethod
    def make(customer_id: str, channel: str, now: dt.datetime, expires: dt.datetime | None) -> OptIn:
        return OptIn(*OptIn.key(customer_id, channel), customer_id=customer_id, channel=channel, since=now,
                     gsi1pk=f"{OPTIN_PREFIX}{channel}", gsi1sk=customer_id, expires_at=expires)


class Offer(Item, discriminator="offer"):
    """An offer the clinic writes and sends (draft -> sending -> sent)."""

    KEYS = Keys(pk="`OFFER#<id>`",
                sk="`OFFER`",
                gsi1="`OFFERS` / `<created at>#<id>`; `OFFERS#sending` while it goes out",
                patterns="16")
    PROCESSING = Processing(
        purpose_sv="Erbjudanden kliniken skriver och skickar (ämne, text, kanaler, antal); inga kunduppgifter.",
        purpose_en="Offers the clinic writes and sends (subject, text, channels, counts); no customer data.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(Subject.STAFF,), categories=(Data.STAFF_ID,),
        recipients=(Recipient.STAFF, Recipient.DYNAMODB),
        retention=Period("ingen automatisk gallring: ett utkast tills det tas bort, ett skickat erbjudande sparas",
                         "no automatic deletion: a draft until it is deleted, a sent offer is kept"))

    offer_id = UnicodeAttribute()
    subject = UnicodeAttribute()
    text = UnicodeAttribute()
    service_id = UnicodeAttribute(null=True)   # the treatment whose booking page the offer links to
    channels = UnicodeAttribute()              # "email", "sms" or "email sms"
    status = UnicodeAttribute(default="draft")  # draft | sending | sent | failed
    failure = UnicodeAttribute(null=True)      # why it failed (``uncomposable``): staff edit or delete it
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()            # the staff member's id
    updated_at = UTCDateTimeAttribute(null=True)
    send_asked_at = UTCDateTimeAttribute(null=True)
    send_asked_by = UnicodeAttribute(null=True)
    finished_at = UTCDateTimeAttribute(null=True)
    # The sender's place: the channel it is at and the last customer id of the last page it took.
    cursor_channel = UnicodeAttribute(null=True)
    cursor = UnicodeAttribute(null=True)
    step = NumberAttribute(default=0)          # raised by each page: the stream hands the next one on
    step_at = UTCDateTimeAttribute(null=True)  # when the last page was taken (a stalled send is resumed)
    sent_email = NumberAttribute(default=0)
    sent_sms = NumberAttribute(default=0)
    # How many were on each chosen channel's list when the send was asked (the draft counts them live).
    reach_email = NumberAttribute(null=True)
    reach_sms = NumberAttribute(null=True)

    @staticmethod
    def key(offer_id: str) -> tuple[str, str]:
        return f"OFFER#{offer_id}", "OFFER"


class OfferDelivery(Item, discriminator="offer_delivery"):
    """One offer or follow-up to one customer by one channel (16), recorded before it is sent."""

    KEYS = Keys(pk="`CUST#<cid>`",
                sk="`OFFER#<offer id>#<channel>` or `FOLLOWUP#<bid>#<follow-up id>#<channel>`",
                patterns="16")
    PROCESSING = Processing(
        purpose_sv="Att en kund fått ett erbjudande eller en uppföljning av ett besök i en kanal, så att ingen får det "
                   "två gånger.",
        purpose_en="That a customer got an offer or a follow-up of a visit by a channel, so nobody gets it twice.",
        legal_basis=(Basis.CONSENT,), subjects=(Subject.CUSTOMERS,), categories=(Data.MARKETING, Data.MESSAGES),
        recipients=(Recipient.STAFF, Recipient.DYNAMODB), retention=WITH_THE_CUSTOMER)

    channel = UnicodeAttribute()
    message_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    offer_id = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    booking_id = UnicodeAttribute(null=True)   # a follow-up: the visit it follows
    follow_up = UnicodeAttribute(null=True)    # a follow-up: its id in the clinic file

    @staticmethod
    def offer_key(customer_id: str, offer_id: str, channel: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"OFFER#{offer_id}#{channel}"

    @staticmethod
    def follow_up_key(customer_id: str, booking_id: str, follow_up: str, channel: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"FOLLOWUP#{booking_id}#{follow_up}#{channel}"
