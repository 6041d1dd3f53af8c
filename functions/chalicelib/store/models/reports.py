"""The owner's numbers: one aggregate per Stockholm day, and what each source item has put into them.

No personal data: counts, minutes and öre by service, staff member, kind of revenue and page, keyed by a
day, a booking id or a ledger row, never a customer.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UTCDateTimeAttribute

from ..processing import Basis, Period, Processing, Recipient
from ..table import Item, Keys


class ReportDay(Item, discriminator="report_day"):
    """One day's figures (``REPORT#<yyyy>`` / ``<yyyy-mm-dd>``): a year is one Query (two at most, paged)."""

    KEYS = Keys(pk="`REPORT#<yyyy>`", sk="`<Stockholm yyyy-mm-dd>`", patterns="23")
    PROCESSING = Processing(
        purpose_sv="Klinikens siffror per dag (bokningar, avbokningar, uteblivna besök, intäkter, beläggning); inga "
                   "uppgifter om vem.",
        purpose_en="The clinic's figures per day (bookings, cancellations, no-shows, revenue, utilisation); nothing "
                   "about who.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(), categories=(), recipients=(Recipient.DYNAMODB,),
        retention=Period("tills vidare (inga personuppgifter)", "for now without end (no personal data)"))

    counts = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]  # flat: "bookings", "svc:<id>:bookings", ...
    version = NumberAttribute(default=0)  # raised by each write; every write is conditional on the one read
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(day: str) -> tuple[str, str]:
        return f"REPORT#{day[:4]}", day


class ReportSource(Item, discriminator="report_source"):
    """What one source item (a booking, a ledger row) has put into the days (``REPORT_SRC#<kind>#<id>`` /
    ``SRC``): a stream record replaces it with its new image's contribution, so a record seen twice adds
    nothing and a booking moved to another day takes its counts along. ``sequence``: the newest stream
    record applied (an older one, delivered late, changes nothing). TTL three years past its day."""

    KEYS = Keys(pk="`REPORT_SRC#<source>`", sk="`SRC`", patterns="23")  # BOOKING#<bid>, LEDGER#<bid>#<kind>#<stripe id>
    PROCESSING = Processing(
        purpose_sv="Vad en bokning eller bokföringsrad har lagt till dagarnas siffror (så att inget räknas två gånger); "
                   "bara id och antal.",
        purpose_en="What a booking or ledger row has added to the days' figures (so nothing counts twice); only ids and "
                   "counts.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(), categories=(), recipients=(Recipient.DYNAMODB,),
        retention=Period("3 år efter dagen", "3 years after its day"))

    contribution = MapAttribute[str, Any]()  # type: ignore[no-untyped-call]  # {day: {key: n}}
    sequence = NumberAttribute(default=0)

    @staticmethod
    def key(source: str) -> tuple[str, str]:
        return f"REPORT_SRC#{source}", "SRC"
