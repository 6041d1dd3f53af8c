"""A customer's partition (CUST#<cid>): the profile and what belongs to it, and the EmailKey."""

from __future__ import annotations

import datetime as dt

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..table import Item, Keys, customer_pk


class Customer(Item, discriminator="customer"):
    KEYS = Keys(pk="`CUST#<cid>`", sk="`PROFILE`", gsi2="expiry", patterns="3, 4, 10")

    customer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # normalised; none for a caller booked by staff with a phone only
    phone = UnicodeAttribute(null=True)  # E.164
    language = UnicodeAttribute(default="sv")
    marketing_email = BooleanAttribute(default=False)
    marketing_sms = BooleanAttribute(default=False)
    link_generation = NumberAttribute(default=1)  # bumped to revoke every earlier link
    # Bumped by each booking a returning customer makes, on the condition that it is the value read with
    # their open holds and bookings of the day: two bookings at once cannot both pass a limit (booking.take).
    booking_version = NumberAttribute(null=True)
    no_shows = NumberAttribute(null=True)  # bookings marked no_show by staff, shown when staff book again
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(customer_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), "PROFILE"


class EmailKey(Item, discriminator="email"):
    """Makes an e-mail address unique and finds its customer (3)."""

    KEYS = Keys(pk="`EMAIL#<normalised address>`", sk="`EMAIL`", patterns="3")

    customer_id = UnicodeAttribute()
    # A copy of the profile's link_generation, so that booking needs one read; booking
    # checks it against the profile inside its transaction and re-reads when it differs.
    link_generation = NumberAttribute(null=True)

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"EMAIL#{email}", "EMAIL"


class PhoneKey(Item, discriminator="phone_key"):
    """Finds a customer without an e-mail address (a caller booked by staff) by phone: ``PHONE#<E.164>``.
    Only such customers have one; everybody else is known by their EmailKey."""

    KEYS = Keys(pk="`PHONE#<E.164>`", sk="`PHONE`", patterns="3 (a caller without e-mail)")

    customer_id = UnicodeAttribute()
    link_generation = NumberAttribute(null=True)

    @staticmethod
    def key(phone: str) -> tuple[str, str]:
        return f"PHONE#{phone}", "PHONE"


def identity_key(customer: Customer) -> tuple[str, str] | None:
    """The key item that makes this customer findable: their EmailKey, or a PhoneKey without e-mail."""
    if customer.email:
        return EmailKey.key(customer.email)
    if customer.phone:
        return PhoneKey.key(customer.phone)
    return None


class AccessEntry(Item, discriminator="access_log"):
    """Who at the clinic looked at this customer's data (15): in the customer's partition, so it lives
    and goes with their data. One item per staff member, kind of look and Stockholm day
    (``ACCESS#<date>#<staff>#<what>``): the first and last time and how often."""

    KEYS = Keys(pk="`CUST#<cid>`", sk="`ACCESS#<Stockholm date>#<staff>#<what>`", patterns="15")

    staff_id = UnicodeAttribute()
    staff_name = UnicodeAttribute()
    what = UnicodeAttribute()        # calendar | booking | customer | search | export | feed
    first_at = UTCDateTimeAttribute()
    last_at = UTCDateTimeAttribute()
    views = NumberAttribute(default=1)

    @staticmethod
    def prefix() -> str:
        return "ACCESS#"


class CustomerTerm(Item, discriminator="customer_term"):
    """One search term of a customer (a name word, the whole name, the address, the phone's digits), in
    the customer's partition (``FIND#<field>#<term>``) and in gsi1 ``FIND#<field>`` / ``<term>#<cid>``:
    staff search with one bounded Query per field, and the terms go with the customer's data."""

    KEYS = Keys(pk="`CUST#<cid>`",
                sk="`FIND#<field>#<term>`",
                gsi1="`FIND#<field>` / `<term>#<cid>`",
                patterns="staff search")

    customer_id = UnicodeAttribute()
    field = UnicodeAttribute()       # name | email | phone
    term = UnicodeAttribute()


class MarketingConsent(Item, discriminator="marketing_consent"):
    """One change of a marketing channel: the proof of opt-in or opt-out (sk ``...#request`` for a
    booking form's request, which may share its instant with the grant that confirms it)."""

    KEYS = Keys(pk="`CUST#<cid>`", sk="`CONSENT#<at>#<channel>`", patterns="4")

    channel = UnicodeAttribute()   # email | sms
    granted = BooleanAttribute()
    source = UnicodeAttribute()    # booking_form | email_confirmation | preferences_page | unsubscribe_link | operator
    at = UTCDateTimeAttribute()
    # awaiting_confirmation: a booking form's tick (granted false), in force only once the customer
    # confirms from the e-mail (then a granted record with source email_confirmation); absent: in force.
    state = UnicodeAttribute(null=True)

    @staticmethod
    def key(customer_id: str, at: dt.datetime, channel: str, *, request: bool = False) -> tuple[str, str]:
        """``request``: a booking form's request, never the key of the grant that may follow at the same instant."""
        stamp = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return customer_pk(customer_id), f"CONSENT#{stamp}#{channel}" + ("#request" if request else "")


class Message(Item, discriminator="message"):
    """A message to the customer: the outbox item, written in the same transaction as the change that
    causes it, and sent from the table's stream (messages.outbox). Kept for the export and the erasure.

    While ``queued`` it carries the finished message (``payload``) and sits in gsi1 under ``OUTBOX#due``
    by its next attempt; once ``sent`` the payload is dropped; a message that failed every attempt is
    ``failed``, under ``OUTBOX#failed`` by when, for the operator (``allavie messages``).
    """

    KEYS = Keys(pk="`CUST#<cid>`",
                sk="`MSG#<at>#<mid>`",
                gsi1=("`OUTBOX#due` / `<next attempt UTC>#<mid>` while queued; `OUTBOX#failed` / `<failed at>#<mid>` "
                      "when failed; none once sent"),
                patterns="4, 21")

    message_id = UnicodeAttribute()
    channel = UnicodeAttribute()   # email | sms
    purpose = UnicodeAttribute()   # confirmation | reminder | reschedule | cancellation | link | email_change ...
    recipient = UnicodeAttribute()
    subject = UnicodeAttribute(null=True)
    booking_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="sent")  # queued | sent | failed
    queued_at = UTCDateTimeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    payload = UnicodeAttribute(null=True)      # the RFC 5322 message or the SMS text, until sent
    attempts = NumberAttribute(default=0)
    next_attempt_at = UTCDateTimeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)  # a sender is at it until then
    last_error = UnicodeAttribute(null=True)
    failed_at = UTCDateTimeAttribute(null=True)
    transport_id = UnicodeAttribute(null=True)  # SES/SNS message id or outbox file name

    @staticmethod
    def key(customer_id: str, at: str, message_id: str) -> tuple[str, str]:
        return Message.key_under(customer_pk(customer_id), at, message_id)

    @staticmethod
    def key_under(owner_pk: str, at: str, message_id: str) -> tuple[str, str]:
        """A message in another partition (the clinic's e-mail about a booking, a staff member's sign-in link)."""
        return owner_pk, f"MSG#{at}#{message_id}"

    @property
    def customer_id(self) -> str:
        return self.pk.removeprefix("CUST#")


class EmailChange(Item, discriminator="email_change"):
    """A new e-mail address waiting for its owner to confirm it from a link.

    The address takes effect only on confirmation; the item expires after a day.
    """

    KEYS = Keys(pk="`CUST#<cid>`", sk="`EMAIL_CHANGE#<change id>`", patterns="(rights)")

    change_id = UnicodeAttribute()
    new_email = UnicodeAttribute()  # normalised
    requested_at = UTCDateTimeAttribute()

    @staticmethod
    def key(customer_id: str, change_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"EMAIL_CHANGE#{change_id}"
