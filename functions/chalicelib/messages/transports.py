"""How a message leaves: one interface, two adapters.

``OutboxTransport`` writes each e-mail as an RFC 5322 ``.eml`` file and each
SMS as a ``.sms`` file (``To:``, ``Date:``, a blank line, the text) into
``OUTBOX_DIR``, and prints where, so a developer can open them. File names
start with the customer id, so that erasure can remove the copies.
``AwsTransport`` sends e-mail with Amazon SES (sesv2, raw MIME) and SMS with
Amazon SNS; it is chosen when ``OUTBOX_DIR`` is unset (in AWS).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
import secrets
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

LINK = re.compile(r"https?://[^\s\"'<>]+")
SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


class Transport(Protocol):
    def send_email(self, raw: bytes, sender: str, recipient: str, customer_id: str) -> str:
        """Send the finished message; return an id for the record (SES message id or file name).
        Raises when it could not be sent (the outbox then retries)."""

    def send_sms(self, to: str, text: str, customer_id: str, now: dt.datetime) -> str: ...

    def erase_copies(self, customer_id: str) -> int: ...


class OutboxTransport:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _path(self, customer_id: str, suffix: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        return self.directory / f"{SAFE_ID.sub('_', customer_id)}-{stamp}-{secrets.token_hex(4)}{suffix}"

    def send_email(self, raw: bytes, sender: str, recipient: str, customer_id: str) -> str:
        path = self._path(customer_id, ".eml")
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(raw)
        tmp.replace(path)  # readers never see half a message
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
        links = LINK.findall(body.get_content()) if body is not None else []
        print(f"outbox: e-mail to {recipient} -> {path}", *(f"  link: {link}" for link in links), sep="\n", flush=True)
        return path.name

    def send_sms(self, to: str, text: str, customer_id: str, now: dt.datetime) -> str:
        path = self._path(customer_id, ".sms")
        tmp = path.with_suffix(".tmp")
        tmp.write_text(f"To: {to}\nDate: {format_datetime(now)}\n\n{text}\n", encoding="utf-8")
        tmp.replace(path)
        print(f"outbox: SMS to {to} -> {path}", flush=True)
        return path.name

    def erase_copies(self, customer_id: str) -> int:
        if not self.directory.is_dir():
            return 0
        prefix = f"{SAFE_ID.sub('_', customer_id)}-"
        removed = 0
        for file in self.directory.iterdir():
            if file.name.startswith(prefix) and file.suffix in (".eml", ".sms"):
                file.unlink(missing_ok=True)
                removed += 1
        return removed


class AwsTransport:
    """SES for e-mail, SNS for SMS. boto3 is imported only here, when used."""

    def __init__(self, region: str) -> None:
        self.region = region

    def _client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, region_name=self.region)

    def send_email(self, raw: bytes, sender: str, recipient: str, customer_id: str) -> str:
        answer = self._client("sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [recipient]},
            Content={"Raw": {"Data": raw}},
        )
        return str(answer["MessageId"])

    def send_sms(self, to: str, text: str, customer_id: str, now: dt.datetime) -> str:
        answer = self._client("sns").publish(
            PhoneNumber=to, Message=text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
        return str(answer["MessageId"])

    def erase_copies(self, customer_id: str) -> int:
        return 0  # SES and SNS keep no copies we could reach; the Message records go with the partition
