"""The back office's items: sign-in links, sessions, enrolments, wrong codes, calendar-feed keys (14).

Nothing secret is stored as it was given out: a link, a session id and a feed key are kept
as their SHA-256 (``digest``), so a copy of the table opens nothing; the TOTP secret is not
stored at all but derived from the signing key and the enrolment's random ``nonce``.
"""

from __future__ import annotations

import hashlib

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from ..table import Item, Keys


def digest(secret: str) -> str:
    """How a handed-out secret (link, session, feed key) is kept: its SHA-256 in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def staff_pk(staff_id: str) -> str:
    return f"STAFF#{staff_id}"


class StaffAccount(Item, discriminator="staff_account"):
    """One staff member's enrolment (the TOTP secret's nonce), the last code step used (no replay)
    and the digest of their calendar feed's key. Created at the first sign-in."""

    KEYS = Keys(pk="`STAFF#<staff id>`", sk="`ACCOUNT`", patterns="14")

    staff_id = UnicodeAttribute()
    nonce = UnicodeAttribute(null=True)           # enrolled: the secret is derived from it
    enrolled_at = UTCDateTimeAttribute(null=True)
    pending_nonce = UnicodeAttribute(null=True)   # shown once, in force after the first right code
    pending_at = UTCDateTimeAttribute(null=True)
    last_step = NumberAttribute(default=0)        # the 30-second step of the last accepted code
    feed_nonce = UnicodeAttribute(null=True)      # the calendar feed key is derived from it

    @staticmethod
    def key(staff_id: str) -> tuple[str, str]:
        return staff_pk(staff_id), "ACCOUNT"


class SignInLink(Item, discriminator="staff_signin"):
    """An e-mailed sign-in link: 15 minutes, one session (``used_at``). Keyed by its digest."""

    KEYS = Keys(pk="`SIGNIN#<sha256 of the link's token>`", sk="`LINK`", patterns="14")

    staff_id = UnicodeAttribute()
    email = UnicodeAttribute()        # the address it went to: a changed address kills it
    created_at = UTCDateTimeAttribute()
    used_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key(token: str) -> tuple[str, str]:
        return f"SIGNIN#{digest(token)}", "LINK"


class StaffSession(Item, discriminator="staff_session"):
    """A signed-in staff member: 8 hours, or until signed out (deleted). Keyed by the id's digest."""

    KEYS = Keys(pk="`SESSION#<sha256 of the session id>`", sk="`SESSION`", patterns="14")

    staff_id = UnicodeAttribute()
    email = UnicodeAttribute()        # as the clinic file had it at sign-in
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(session_id: str) -> tuple[str, str]:
        return f"SESSION#{digest(session_id)}", "SESSION"


class SignInFailure(Item, discriminator="staff_failure"):
    """One wrong code (counted per staff member, never per caller); expires after 30 minutes."""

    KEYS = Keys(pk="`STAFF#<staff id>`", sk="`FAIL#<at>#<rand>`", patterns="14 (wrong codes)")

    at = UTCDateTimeAttribute()

    @staticmethod
    def prefix() -> str:
        return "FAIL#"


class FeedKey(Item, discriminator="staff_feed"):
    """The secret key of one staff member's calendar feed URL (renewing it deletes the old one)."""

    KEYS = Keys(pk="`FEED#<sha256 of the feed key>`", sk="`FEED`", patterns="14 (the .ics feed)")

    staff_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()

    @staticmethod
    def key(feed_key: str) -> tuple[str, str]:
        return f"FEED#{digest(feed_key)}", "FEED"
