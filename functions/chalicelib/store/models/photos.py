"""What customers give us with a booking: photos, and complaints about a treatment (pattern 18).

Both live in the customer's partition and carry the customer's expiry, so that TTL,
the sweeper and an erasure take them with the rest (the S3 objects of a photo go in
the same step: ``photos.bucket``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..processing import WITH_THE_CUSTOMER, Basis, Data, Processing, Recipient, Subject
from ..table import Item, Keys, customer_pk

MAX_PHOTOS_PER_BOOKING = 5
OPEN_COMPLAINTS = "COMPLAINTS#open"  # gsi1: the clinic's open complaints, oldest first (sparse: only open ones)


class Photo(Item, discriminator="photo"):
    """One photo of a booking, in one of the booking's five slots (sk ``PHOTO#<bid>#<slot>``).

    The slot makes "at most five" a condition DynamoDB checks (a slot is taken with
    ``attribute_not_exists``), so five uploads asked for at once cannot become six.
    The id is random and is what the API shows; the slot number is plumbing.
    """

    KEYS = Keys(pk="`CUST#<cid>`", sk="`PHOTO#<bid>#<slot 1-5>`", patterns="18")
    PROCESSING = Processing(
        purpose_sv="Foton kunden själv laddar upp till en bokning, för behandlingen; rensas från metadata.",
        purpose_en="Photos the customer uploads to a booking, for the treatment; stripped of metadata.",
        legal_basis=(Basis.HEALTH_CONSENT, Basis.CONTRACT), subjects=(Subject.CUSTOMERS,),
        categories=(Data.PHOTOS, Data.HEALTH, Data.CUSTOMER_IDS),
        recipients=(Recipient.STAFF, Recipient.DYNAMODB, Recipient.S3), retention=WITH_THE_CUSTOMER)

    photo_id = UnicodeAttribute()
    booking_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    slot = NumberAttribute()
    status = UnicodeAttribute()             # pending (upload allowed) | ready (cleaned) | rejected
    content_type = UnicodeAttribute()       # as declared; the processing decodes and decides
    declared_size = NumberAttribute()
    upload_key = UnicodeAttribute()         # where the browser may POST the original (deleted once processed)
    upload_until = UTCDateTimeAttribute()   # the presigned POST's end; a pending slot after it is free again
    clean_key = UnicodeAttribute(null=True)  # the re-encoded copy without metadata
    clean_type = UnicodeAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    clean_bytes = NumberAttribute(null=True)
    rejected_because = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    uploaded_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(customer_id: str, booking_id: str, slot: int) -> tuple[str, str]:
        return customer_pk(customer_id), f"PHOTO#{booking_id}#{slot}"

    @staticmethod
    def booking_prefix(booking_id: str) -> str:
        return f"PHOTO#{booking_id}#"


class ComplaintMessage(MapAttribute[str, Any]):
    """One message of a complaint: the customer's or the clinic's words, as written."""

    author = UnicodeAttribute()            # customer | staff
    staff_id = UnicodeAttribute(null=True)
    text = UnicodeAttribute()
    at = UTCDateTimeAttribute()


class Complaint(Item, discriminator="complaint"):
    """A reklamation about one booking (sk ``COMPLAINT#<id>``); open ones are in gsi1 ``COMPLAINTS#open``."""

    KEYS = Keys(pk="`CUST#<cid>`",
                sk="`COMPLAINT#<id>`",
                gsi1="`COMPLAINTS#open` or `COMPLAINTS#closed` / `<filed or closed at>#<cid>#<id>`",
                patterns="18")
    PROCESSING = Processing(
        purpose_sv="Reklamationer av en behandling: kundens och klinikens meddelanden och utfallet (ev. återbetalning).",
        purpose_en="Complaints about a treatment: the customer's and the clinic's messages and the outcome (any refund).",
        legal_basis=(Basis.LEGAL_OBLIGATION, Basis.CONTRACT, Basis.LEGAL_CLAIMS),
        subjects=(Subject.CUSTOMERS, Subject.STAFF),
        categories=(Data.COMPLAINT, Data.HEALTH, Data.CUSTOMER_IDS, Data.STAFF_ID),
        recipients=(Recipient.STAFF, Recipient.DYNAMODB, Recipient.SES), retention=WITH_THE_CUSTOMER)

    complaint_id = UnicodeAttribute()
    booking_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    status = UnicodeAttribute()            # open | closed
    messages = ListAttribute(of=ComplaintMessage, default=list)
    outcome = UnicodeAttribute(null=True)  # redone | partial_refund | refunded | rejected | resolved
    outcome_note = UnicodeAttribute(null=True)
    refund_sek = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    closed_at = UTCDateTimeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    version = NumberAttribute(default=1)   # each change is conditional on the version read

    @staticmethod
    def key(customer_id: str, complaint_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"COMPLAINT#{complaint_id}"


class ComplaintRef(Item, discriminator="complaint_ref"):
    """Finds a complaint by its id alone (the back office's reply names only the complaint), as ``BookingRef``
    does a booking: in the customer's partition (``CREF#<id>``) and in gsi1 ``COMPLAINT#<id>`` / ``REF``, a key that
    never changes, so a close does not move it (the open/closed index does, and lags)."""

    KEYS = Keys(pk="`CUST#<cid>`", sk="`CREF#<id>`", gsi1="`COMPLAINT#<id>` / `REF`",
                patterns="18 (staff: a complaint by id alone; a key no close moves)")
    PROCESSING = Processing(
        purpose_sv="Hittar en reklamation med bara dess id (kund- och reklamations-id).",
        purpose_en="Finds a complaint by its id alone (customer and complaint ids).",
        legal_basis=(Basis.CONTRACT,), subjects=(Subject.CUSTOMERS,), categories=(Data.CUSTOMER_IDS,),
        recipients=(Recipient.DYNAMODB,), retention=WITH_THE_CUSTOMER)

    complaint_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()

    @staticmethod
    def key(customer_id: str, complaint_id: str) -> tuple[str, str]:
        return customer_pk(customer_id), f"CREF#{complaint_id}"

    @staticmethod
    def make(customer_id: str, complaint_id: str, expires: dt.datetime | None) -> ComplaintRef:
        return ComplaintRef(*ComplaintRef.key(customer_id, complaint_id), complaint_id=complaint_id,
                            customer_id=customer_id, gsi1pk=f"COMPLAINT#{complaint_id}", gsi1sk="REF", expires_at=expires)
