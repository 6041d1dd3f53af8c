"""Read what the API sent to the local outbox, as a person would open it.

Messages leave through the table's stream (the transactional outbox), so each read first hands
the stream's new records to the app's handlers in this process (``settle``) and waits, bounded,
for the ones another reader (the stream pump beside ``chalice local``) has taken.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

LINK = re.compile(r"https?://[^\s\"'<>]+")
SETTLE_SECONDS = 10.0
_pumps: dict[tuple[str, str], Any] = {}


def settle(timeout: float = SETTLE_SECONDS) -> list[dict[str, Any]]:
    """Drain the stream of the table the environment names once; then wait until every message seen
    queued there has had its attempt (sent, or waiting for a retry). Returns the records drained."""
    from allavie.local import stream_pump
    from chalicelib.store import connection
    from chalicelib.store.models import Message

    key = (os.environ.get("DYNAMODB_ENDPOINT", ""), os.environ.get("TABLE_NAME", "allavie"))
    if key not in _pumps:
        _pumps[key] = stream_pump.from_environment()
    records = _pumps[key].drain()
    connection.bind()
    queued = {(r["dynamodb"]["Keys"]["pk"]["S"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in records
              if (r["dynamodb"].get("NewImage") or {}).get("status", {}).get("S") == "queued"}
    deadline = time.monotonic() + timeout
    while queued and time.monotonic() < deadline:
        for pk, sk in list(queued):
            try:
                message = Message.get(pk, sk, consistent_read=True)
            except Message.DoesNotExist:
                queued.discard((pk, sk))
                continue
            if message.status != "queued" or message.lease_until is None:
                queued.discard((pk, sk))
        if queued:
            time.sleep(0.05)
    return records


def clinic_addresses() -> set[str]:
    """The addresses of the clinic file's staff and the clinic itself."""
    from chalicelib.core import clinic

    current = clinic.current()
    return {a.lower() for a in (*current.emails, *(s.email for s in current.staff if s.email))}


class Outbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def emails(self) -> list[EmailMessage]:
        """The e-mails to customers, oldest first (the clinic's own notices and sign-in links: ``to_clinic``)."""
        clinic = clinic_addresses()
        return [m for m in self.every_email() if str(m["To"]).strip().lower() not in clinic]

    def to_clinic(self) -> list[EmailMessage]:
        """The e-mails to the clinic's staff and its own address (booking notices, sign-in links)."""
        clinic = clinic_addresses()
        return [m for m in self.every_email() if str(m["To"]).strip().lower() in clinic]

    def every_email(self) -> list[EmailMessage]:
        settle()
        messages = []
        for path in sorted(self.directory.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            with path.open("rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            messages.append(message)  # type: ignore[arg-type]
        return messages  # type: ignore[return-value]

    def sms(self) -> list[str]:
        settle()
        return [p.read_text(encoding="utf-8") for p in sorted(self.directory.glob("*.sms"), key=lambda p: p.stat().st_mtime_ns)]

    def emails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.every_email() if address.lower() in str(m["To"]).lower()]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        return LINK.findall(cls.text(message))
