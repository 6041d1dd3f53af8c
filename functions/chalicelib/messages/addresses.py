"""Headers that no input can break: the display name, the mailbox, and a check of the finished message.

Python's ``email`` package decodes RFC 2047 encoded words (``=?utf-8?b?...?=``) inside a display
name when the header is set, and writes what they decode to, line breaks included, into the message:
a name could add ``Bcc:`` or ``Reply-To:``. Names are checked when typed (``core.fields.name``); here,
whatever a name holds, only the characters that rule allows reach a header, and every message is
parsed back before it is queued: any header we did not set, or a recipient other than the one
intended, and it is refused (``UnsafeMessage``) instead of sent.
"""

from __future__ import annotations

import email.parser
import email.policy
import unicodedata
from email.headerregistry import Address

NAME_PUNCTUATION = frozenset(" -\u2010'\u2019.")
# Every header the messages of this platform carry; anything else in a finished message was injected.
HEADERS = frozenset({
    "from", "to", "subject", "date", "message-id", "content-language", "list-unsubscribe", "list-unsubscribe-post",
    "content-type", "content-transfer-encoding", "mime-version", "auto-submitted",
})


class UnsafeMessage(ValueError):
    """A finished message has a header or a recipient that was never meant to be there."""


def display_name(name: str) -> str:
    """The name with only letters, combining marks and the punctuation names use (nothing that can
    start an encoded word, a quoted string, an address or a new line); runs of spaces made one."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", name or "")
                   if unicodedata.category(ch)[0] in "LM" or ch in NAME_PUNCTUATION)
    return " ".join(kept.split())[:100]


def mailbox(name: str, address: str) -> Address | str:
    """The ``To:`` value: the cleaned name and the address."""
    shown = display_name(name)
    if address.isascii():
        return Address(shown, addr_spec=address)
    # Python's Address refuses a non-ASCII local part even under SMTPUTF8; the parsed string form works,
    # and the cleaned name holds no quote or backslash to escape.
    return f'"{shown}" <{address}>' if shown else f"<{address}>"


def check(raw: bytes, recipient: str) -> None:
    """Parse the finished message back: only our headers, each once, and exactly one recipient."""
    # As text: the bytes parser would leave an internationalised address (RFC 6532) as escaped bytes.
    parsed = email.parser.HeaderParser(policy=email.policy.default).parsestr(raw.decode("utf-8", "replace"))
    names = [key.lower() for key in parsed.keys()]
    unexpected = sorted(set(names) - HEADERS)
    if unexpected or len(names) != len(set(names)):
        raise UnsafeMessage(f"unexpected or repeated headers: {unexpected or names}")
    to = parsed.get("To")
    addresses = list(getattr(to, "addresses", ()) or ())
    if len(addresses) != 1 or addresses[0].addr_spec.lower() != recipient.lower():
        raise UnsafeMessage("the message is not addressed to exactly its recipient")
