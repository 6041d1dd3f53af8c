"""Time-based one-time codes (RFC 6238: 30 s, 6 digits, SHA-1) through ``pyotp``, and the QR code that
enrols an authenticator app (``segno``, drawn by the page itself: no third-party service).

The secret is never stored: it is derived from the platform's signing key and the enrolment's random
nonce, so a copy of the table alone enrols nobody. Pure, apart from reading the signing key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from urllib.parse import quote

from ..core import secret_store

ISSUER = "Hudateljén"
STEP_SECONDS = 30
WINDOW = 1  # one step either side: a phone's clock a little off still works


def new_nonce() -> str:
    return secrets.token_hex(16)


def secret_for(staff_id: str, nonce: str) -> str:
    """The base32 TOTP secret of one enrolment (160 bits, as authenticator apps expect)."""
    key = secret_store.get("LINK_SIGNING_KEY").encode("utf-8")
    raw = hmac.new(key, f"allavie.totp.v1\x00{staff_id}\x00{nonce}".encode(), hashlib.sha256).digest()[:20]
    return base64.b32encode(raw).decode("ascii")


def otpauth_uri(secret: str, account: str) -> str:
    """What the QR code says: the app shows "Hudateljén (anna@...)"."""
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER))


def step_of(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step the code belongs to (now, or one step either side), or None when it is wrong."""
    import pyotp

    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = step_of(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(str(totp.generate_otp(step)), code):
            return step
    return None


def qr_rows(text: str) -> list[str]:
    """The QR code of ``text`` as rows of "1" (dark) and "0", quiet zone excluded; the page draws it."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return ["".join("1" if cell else "0" for cell in row) for row in code.matrix]


def label(account: str) -> str:
    return quote(account)
