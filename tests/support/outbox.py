"""Read what the API wrote to the local outbox, as a person would open it."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

LINK = re.compile(r"https?://[^\s\"'<>]+")


class Outbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def emails(self) -> list[EmailMessage]:
        messages = []
        for path in sorted(self.directory.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            with path.open("rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            messages.append(message)  # type: ignore[arg-type]
        return messages  # type: ignore[return-value]

    def sms(self) -> list[str]:
        return [p.read_text(encoding="utf-8") for p in sorted(self.directory.glob("*.sms"), key=lambda p: p.stat().st_mtime_ns)]

    def emails_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.emails() if address.lower() in str(m["To"]).lower()]

    @staticmethod
    def text(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        return LINK.findall(cls.text(message))
