"""Bookings and the time units they hold."""

from __future__ import annotations

import datetime as dt

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute

from ..processing import WITH_THE_CUSTOMER, Basis, Data, Period, Processing, Recipient, Subject
from ..table import Item, Keys, customer_pk


class Booking(Item, discriminator="booking"):
    KEYS = Keys(pk="`CUST#<cid>`",
                sk="`BOOKING#<bid>`",
                gsi1="`CAL#<Stockholm yyyy-mm>` / `<start UTC>#<bid>`",
                patterns="4, 5, 6, 13, 19")
    PROCESSING = Processing(
        purpose_sv="Bokningen: tid, behandling, betalning, påminnelser, kontroller enligt lag (2021:363) vid "
                   "injektionsbehandlingar och 18-årsgräns, personalens kalender och kundens egna anteckningar.",
        purpose_en="The booking: time, treatment, payment, reminders, the checks of lag (2021:363) for injection "
                   "treatments and the age limit, staff's calendar and the customer's own notes.",
        legal_basis=(Basis.CONTRACT, Basis.LEGAL_OBLIGATION, Basis.HEALTH_CONSENT), subjects=(Subject.CUSTOMERS,),
        categories=(Data.CUSTOMER_IDS, Data.BOOKING, Data.NOTE, Data.HEALTH, Data.TREATMENT_CHECKS, Data.PAYMENT,
                    Data.MARKETING, Data.NETWORK_HASH),
        recipients=(Recipient.STAFF, Recipient.CALENDAR, Recipient.DYNAMODB, Recipient.SES, Recipient.SNS,
                    Recipient.STRIPE),
        retention=WITH_THE_CUSTOMER)

    booking_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    locked_units = NumberAttribute()      # how many SlotLock items it holds from ``start``
    status = UnicodeAttribute()           # awaiting_payment | confirmed | cancelled | completed | no_show
    hold_until = UTCDateTimeAttribute(null=True)
    # Who took an unpaid hold: a keyed hash of the requester's network address (never the address), so that
    # a stranger's holds with somebody's e-mail do not count against that person's own; removed when paid.
    hold_by = UnicodeAttribute(null=True)
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
    cancelled_by = UnicodeAttribute(null=True)  # customer | clinic | system (a lapsed hold, an erasure): the reports
    # The back office: who at the clinic booked it (absent: the customer online), how the prepayment
    # is made (online | at_clinic), and what happened (completed | no_show, by staff after the start).
    booked_by = UnicodeAttribute(null=True)
    payment = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    outcome_by = UnicodeAttribute(null=True)
    outcome_at = UTCDateTimeAttribute(null=True)
    # Treatments under lag (2021:363) (booking.regulated): what allowed the booking (a consultation at least
    # two days before, or a completed treatment of the same kind within six months), checked in its
    # transaction; ``flag`` when a change of that consultation broke the rule (the customer is told).
    basis_kind = UnicodeAttribute(null=True)        # consultation | repeat
    basis_booking_id = UnicodeAttribute(null=True)
    flag = UnicodeAttribute(null=True)              # consultation_required
    flagged_at = UTCDateTimeAttribute(null=True)
    information_sent_at = UTCDateTimeAttribute(null=True)  # a consultation's written information e-mailed
    # Recorded by the licensed practitioner before the treatment is completed: who (staff id) and when.
    age_checked_by = UnicodeAttribute(null=True)
    age_checked_at = UTCDateTimeAttribute(null=True)
    consent_by = UnicodeAttribute(null=True)
    consent_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(customer_id: str, booking_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"BOOKING#{booking_id}"


class BookingRef(Item, discriminator="booking_ref"):
    """Finds a booking by its id alone (the back office's calls name only the booking): in the
    customer's partition (``REF#<bid>``, so it lives and goes with their data) and in gsi1
    ``BOOKING#<bid>`` / ``REF``."""

    KEYS = Keys(pk="`CUST#<cid>`", sk="`REF#<bid>`", gsi1="`BOOKING#<bid>` / `REF`", patterns="5 (staff: by id alone)")
    PROCESSING = Processing(
        purpose_sv="Hitta en bokning från dess id (personalens vy).",
        purpose_en="Finding a booking by its id (the back office).",
        legal_basis=(Basis.CONTRACT,), subjects=(Subject.CUSTOMERS,), categories=(Data.CUSTOMER_IDS,),
        recipients=(Recipient.DYNAMODB,), retention=WITH_THE_CUSTOMER)

    booking_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()

    @staticmethod
    def make(customer_id: str, booking_id: str, expires: dt.datetime | None) -> BookingRef:
        return BookingRef(customer_pk(customer_id), f"REF#{booking_id}", booking_id=booking_id,
                          customer_id=customer_id, gsi1pk=f"BOOKING#{booking_id}", gsi1sk="REF", expires_at=expires)


class SlotLock(Item, discriminator="slot_lock"):
    """One staff member's time unit taken by one booking (1, 2).

    Taken with ``attribute_not_exists(pk) OR hold_until <= :now``: a unit is
    free if nobody holds it or if an unpaid hold has lapsed.
    """

    KEYS = Keys(pk="`LOCK#<staff>`", sk="`<unit start UTC, minutes>`", patterns="1, 2")
    PROCESSING = Processing(
        purpose_sv="Reserverar en tidsenhet hos en i personalen för en bokning, så att ingen tid bokas två gånger.",
        purpose_en="Reserves a staff member's unit of time for one booking, so no time is booked twice.",
        legal_basis=(Basis.CONTRACT,), subjects=(Subject.CUSTOMERS, Subject.STAFF),
        categories=(Data.CUSTOMER_IDS, Data.BOOKING), recipients=(Recipient.DYNAMODB,),
        retention=Period("ett dygn efter besöket; raderas med kundens uppgifter",
                         "one day after the visit; deleted with the customer's data"))

    booking_id = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)     # so that a block finds the bookings in its time at once
    hold_until = UTCDateTimeAttribute(null=True)  # set while awaiting payment

    @staticmethod
    def partition(staff_id: str) -> str:
        return f"LOCK#{staff_id}"

    @staticmethod
    def key(staff_id: str, unit_start: dt.datetime) -> tuple[str, str]:
        return SlotLock.partition(staff_id), unit_start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


class BlockMarker(Item, discriminator="block_marker"):
    """One grid unit of a staff member's blocked time (13): ``LOCK#<staff>`` / ``<unit>#B``, sorted just
    after the unit's SlotLock, so availability's one Query of ``LOCK#<staff>`` sees both.

    ``blocks`` names every block covering the unit: overlapping blocks share the marker, and deleting
    one removes only its id (the time stays blocked while another names it). A booking's transaction
    checks, for each unit of its treatment, that no marker names a block (``unblocked``).
    """

    KEYS = Keys(pk="`LOCK#<staff>`", sk="`<unit start UTC, minutes>#B`", patterns="1, 2, 13")
    PROCESSING = Processing(
        purpose_sv="Markerar personalens blockerade tid i tidsrutnätet, så att den inte kan bokas.",
        purpose_en="Marks a staff member's blocked time on the grid, so it cannot be booked.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(Subject.STAFF,), categories=(Data.STAFF_TIME,),
        recipients=(Recipient.DYNAMODB,),
        retention=Period("ett dygn efter den blockerade tiden", "one day after the blocked time"))

    blocks = UnicodeSetAttribute(null=True)

    @staticmethod
    def key(staff_id: str, unit_start: dt.datetime) -> tuple[str, str]:
        return SlotLock.key(staff_id, unit_start)[0], SlotLock.key(staff_id, unit_start)[1] + "#B"


class Block(Item, discriminator="block"):
    """Blocked time of one staff member (sick day, course, lunch): ``BLOCK#<id>`` / ``BLOCK``, and in
    gsi1 ``BLOCKS`` / ``<end UTC>#<id>``: the calendar's one Query finds every block ending after its
    first day. No personal data (the reason is the clinic's own words)."""

    KEYS = Keys(pk="`BLOCK#<id>`", sk="`BLOCK`", gsi1="`BLOCKS` / `<end UTC>#<id>`", patterns="13")
    PROCESSING = Processing(
        purpose_sv="Personalens blockerade tid (t.ex. sjukdag, kurs, lunch) i klinikens kalender.",
        purpose_en="A staff member's blocked time (e.g. sick day, course, lunch) in the clinic's calendar.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(Subject.STAFF,), categories=(Data.STAFF_TIME, Data.STAFF_ID),
        recipients=(Recipient.STAFF, Recipient.CALENDAR, Recipient.DYNAMODB),
        retention=Period("400 dagar efter den blockerade tidens slut", "400 days after the blocked time ends"))

    block_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    reason = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(block_id: str) -> tuple[str, str]:
        return f"BLOCK#{block_id}", "BLOCK"
