"""The clinic's settings (the back office's Inställningar): the current document and one item per change.

The sections are kept as JSON text: they are the clinic file's own shapes (lists, mappings,
texts), read whole and written whole, never queried inside.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..processing import Basis, Data, Period, Processing, Recipient, Subject
from ..table import Item, Keys

SETTINGS_PK = "SETTINGS"


class ClinicSettings(Item, discriminator="clinic_settings"):
    """The settings in force: ``version`` rises by one with each change (the condition of the next)."""

    KEYS = Keys(pk="`SETTINGS`", sk="`CURRENT`", patterns="22")
    PROCESSING = Processing(
        purpose_sv="Klinikens inställningar: behandlingar, priser, öppettider och personalen (namn, titel, e-post, roll, "
                   "arbetstider, legitimation) för bokning, inloggning och tillsyn.",
        purpose_en="The clinic's settings: treatments, prices, opening hours and the staff (name, title, e-mail, role, "
                   "working hours, licence) for booking, sign-in and supervision.",
        legal_basis=(Basis.LEGITIMATE_INTEREST, Basis.LEGAL_OBLIGATION), subjects=(Subject.STAFF,),
        categories=(Data.STAFF_ID,), recipients=(Recipient.DYNAMODB, Recipient.STAFF),
        retention=Period("så länge uppgiften gäller; en kollega som tas bort försvinner ur dokumentet med ändringen",
                         "while it is in force; a colleague removed leaves the document with that change"))

    version = NumberAttribute()
    sections = UnicodeAttribute()          # JSON: {section name: value} of every section saved so far
    changed_at = UTCDateTimeAttribute()
    changed_by = UnicodeAttribute()        # staff id, or "operator" (allavie settings import)

    @staticmethod
    def key() -> tuple[str, str]:
        return SETTINGS_PK, "CURRENT"


class SettingsChange(Item, discriminator="settings_change"):
    """One change, for the audit trail: who, when, which section, before and after (JSON)."""

    KEYS = Keys(pk="`SETTINGS`", sk="`CHANGE#<version, 10 digits>`", patterns="22")
    PROCESSING = Processing(
        purpose_sv="Ändringsloggen för inställningarna: vem i personalen ändrade vad och när, före och efter.",
        purpose_en="The settings' audit trail: which staff member changed what and when, before and after.",
        legal_basis=(Basis.LEGITIMATE_INTEREST,), subjects=(Subject.STAFF,), categories=(Data.STAFF_ID,),
        recipients=(Recipient.DYNAMODB, Recipient.STAFF),
        retention=Period("tills vidare (ingen gallring ännu: en öppen punkt)",
                         "for now without end (no deletion yet: an open point)"))

    version = NumberAttribute()            # the version the change made
    at = UTCDateTimeAttribute()
    staff_id = UnicodeAttribute()
    section = UnicodeAttribute()
    before = UnicodeAttribute()
    after = UnicodeAttribute()

    @staticmethod
    def prefix() -> str:
        return "CHANGE#"

    @staticmethod
    def key(version: int) -> tuple[str, str]:
        return SETTINGS_PK, f"CHANGE#{version:010d}"
