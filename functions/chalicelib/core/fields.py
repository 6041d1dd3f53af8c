"""What people type, checked field by field before anything is stored.

Pure: every function returns a clean value or raises ``FieldError`` with a
message key; ``Fields`` collects them so that one ``Invalid`` names every bad
field of a request at once (a form can mark them all). Every capability uses
these, so an address or a number is normalised the same way wherever it is typed.

email-validator and phonenumbers are imported when a field is checked, not at
import: together about 30 ms of every Lambda's cold start otherwise.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .errors import Invalid

if TYPE_CHECKING:  # the clinic file's parser checks addresses with email() below
    from .clinic.model import Clinic

MAX_NAME = 100
MAX_NOTE = 1000
MAX_EMAIL = 254
MAX_PHONE_TEXT = 32
LANGUAGES = ("sv", "en")
YEARS = (2000, 2999)  # dates and times outside these are typing errors or probes


class FieldError(ValueError):
    """One field is wrong; ``key`` is a message key of i18n.FIELD_MESSAGES."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def email(value: object) -> str:
    """The normalised address: internationalised addresses are valid; no DNS lookups.

    The domain is lowercased and IDNA-normalised by email-validator; the local part
    is lowercased too, because people type their address in any case and expect
    to be recognised (every mailbox provider we meet ignores case there).
    """
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    text = value.strip()
    if not text:
        raise FieldError("required")
    if len(text) > MAX_EMAIL:
        raise FieldError("email")
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        raise FieldError("email") from None
    local, _, domain = result.normalized.rpartition("@")
    if "=?" in local or "?=" in local:
        # An RFC 2047 encoded word is no mailbox: mail libraries decode it in headers into other text.
        raise FieldError("email")
    return f"{local.lower()}@{domain.lower()}"


def phone(value: object, region: str = "SE") -> str:
    """E.164 (``+46701234567``); Swedish numbers as people type them (070-123 45 67) are valid."""
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    text = value.strip()
    if not text:
        raise FieldError("required")
    if len(text) > MAX_PHONE_TEXT:
        raise FieldError("phone")
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise FieldError("phone") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Embeddings, overrides and isolates: they reorder how the rest of a line is shown (an e-mail's To: and greeting).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# A person's name (the one rule, used by booking and by PATCH /me): after NFC normalisation and with runs
# of white space made one space, 1-100 characters that are
#   - letters of any script (Unicode L*), each optionally followed by combining marks (M*),
#   - the separators people write inside names: space, hyphen (- or U+2010), apostrophe (' or U+2019), full stop,
#   - a zero-width joiner or non-joiner (U+200D, U+200C) only between two letters (Persian, Indic scripts),
# beginning with a letter. Nothing else: no digits, no control or format characters, none of = ? " < > @ ; :
# (so no RFC 2047 encoded word, quoted string or address can hide in it) and no name without a letter.
NAME_SEPARATORS = frozenset(" -\u2010'\u2019.")
NAME_JOINERS = frozenset("\u200c\u200d")


def _has_control(text: str, allow_newlines: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any((unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in BIDI_CONTROLS for ch in text)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def name_allowed(text: str) -> bool:
    """Whether an already normalised name follows the rule above."""
    if not text or not _is_letter(text[0]):
        return False
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category.startswith("L") or ch in NAME_SEPARATORS:
            continue
        if category.startswith("M") and (_is_letter(text[index - 1]) or unicodedata.category(text[index - 1])[0] == "M"):
            continue
        if ch in NAME_JOINERS and 0 < index < len(text) - 1 and _is_letter(text[index - 1]) and _is_letter(text[index + 1]):
            continue
        return False
    return True


def name(value: object) -> str:
    """A person's name by the rule above, normalised (NFC, one space between words); FieldError otherwise."""
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    if _has_control(value):
        raise FieldError("invalid")  # a name is one line: no line breaks into e-mail headers
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise FieldError("required")
    if len(text) > MAX_NAME:
        raise FieldError("too_long")
    if not name_allowed(text):
        raise FieldError("name")
    return text


def note(value: object) -> str | None:
    """Kept exactly as written (never trimmed or rewritten); only its length is limited."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError("type")
    if len(value) > MAX_NOTE:
        raise FieldError("too_long")
    if "\x00" in value:
        raise FieldError("invalid")
    return value if value.strip() else None


# Text that acts in an e-mail header once a mail library reads it: an RFC 2047 encoded word (``=?utf-8?q?...?=``,
# which decoders turn into anything, line breaks included; matched loosely, as lenient decoders read them) or a
# line break of any kind. One-line fields that reach a message (subjects, titles) refuse it when typed.
ENCODED_WORD_OPEN, ENCODED_WORD_CLOSE = "=?", "?="
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def header_shaped(text: str) -> bool:
    """Whether ``text`` holds a line break or an encoded word (the one check for every one-line field)."""
    opened = text.find(ENCODED_WORD_OPEN)
    return any(ch in LINE_BREAKS for ch in text) or (opened >= 0 and ENCODED_WORD_CLOSE in text[opened + 2:])


def line(value: object, limit: int) -> str:
    """One line of text (a subject: it goes into a header), white space made single; 1 to ``limit`` characters."""
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    if _has_control(value):
        raise FieldError("invalid")  # no line break into a header, no control or direction character
    if header_shaped(value):
        raise FieldError("header_shaped")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise FieldError("required")
    if len(text) > limit:
        raise FieldError("too_long")
    return text


def text(value: object, limit: int) -> str:
    """Text of several lines (an offer's), kept as written apart from NFC and trailing space; 1 to ``limit``."""
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    if _has_control(value, allow_newlines=True):
        raise FieldError("invalid")
    kept = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not kept:
        raise FieldError("required")
    if len(kept) > limit:
        raise FieldError("too_long")
    return kept


MAX_MESSAGE = 4000  # a complaint, or an answer to one


def message(value: object, limit: int = MAX_MESSAGE) -> str:
    """A required text of several lines (a complaint, an answer): kept as written, never rendered as HTML."""
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    if not value.strip():
        raise FieldError("required")
    if len(value) > limit:
        raise FieldError("too_long")
    if _has_control(value, allow_newlines=True):
        raise FieldError("invalid")
    return value


def whole_kronor(value: object, *, maximum: int = 1_000_000) -> int:
    """A positive whole amount in kronor (a refund)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("type" if value is not None else "required")
    if value <= 0 or value > maximum:
        raise FieldError("amount")
    return value


def moment(value: object) -> dt.datetime:
    """An ISO 8601 time with its offset, in UTC."""
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise FieldError("datetime") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None or not _plausible(parsed.date()):
        raise FieldError("datetime")
    return parsed.astimezone(dt.timezone.utc)


def date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    try:
        if len(value) != 10:
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError("date") from None
    if not _plausible(day):
        raise FieldError("date")
    return day


def _plausible(day: dt.date) -> bool:
    """Years a clinic's calendar can mean; 0001 or 9999 would overflow time zones and retention dates."""
    return YEARS[0] <= day.year <= YEARS[1]


def boolean(value: object, *, default: bool | None = None) -> bool:
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        raise FieldError("type" if value is not None else "required")
    return value


def choice(value: object, options: tuple[str, ...], default: str, key: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or value not in options:
        raise FieldError(key)
    return value


def staff_for(clinic: Clinic, service_id: str | None, value: object) -> str | None:
    """A staff id, or None for "any" (missing, null, "" or "any")."""
    if value is None or value == "" or value == "any":
        return None
    if not isinstance(value, str):
        raise FieldError("type")
    if clinic.staff_member(value) is None:
        raise FieldError("unknown_staff")
    service = clinic.service(service_id) if service_id else None
    if service is not None and value not in service.staff:
        raise FieldError("staff_not_for_service")
    return value


class Fields:
    """Collects field errors so that one answer names every bad field."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def take(self, field: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(self.data.get(field), *args, **kwargs)
        except FieldError as error:
            self.errors[field] = error.key
            return None

    def fail(self, field: str, key: str) -> None:
        self.errors.setdefault(field, key)

    def unknown(self, allowed: set[str]) -> None:
        for field in self.data:
            if field not in allowed:
                self.errors[str(field)[:64]] = "unknown_field"

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(fields=self.errors)


def service_id(clinic: Clinic, value: object) -> str:
    if not isinstance(value, str):
        raise FieldError("type" if value is not None else "required")
    if clinic.service(value) is None:
        raise FieldError("unknown_service")
    return value
