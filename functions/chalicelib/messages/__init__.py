"""Messages to customers: e-mail and SMS through one interface.

``send_email`` and ``send_sms`` add what every message must carry (the
one-click ``List-Unsubscribe`` headers and a footer with links to the
customer's data and preferences; for SMS, how to stop), send through the
transport in force (the local outbox when ``OUTBOX_DIR`` is set, else SES/SNS)
and record each message as a ``Message`` item in the customer's partition.
Nothing a person typed is put into HTML unescaped: callers build their HTML
with the blocks of ``layout`` (which escape), and ``layout.document`` wraps it
with the header and this footer, the same for every kind of e-mail.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..core import clinic, clock, settings
from ..links import tokens, urls
from ..store import tx
from ..store.models import Customer, Message, customer_pk
from . import layout
from .transports import AwsTransport, OutboxTransport, Transport

# Long lines stay whole (RFC 5322 allows 998): folding would turn the List-Unsubscribe URL into
# encoded words that mail clients do not decode there. UTF-8 headers only for internationalised
# addresses (RFC 6532), so that every other message is plain RFC 5322.
ASCII_POLICY = email.policy.default.clone(max_line_length=998)
UTF8_POLICY = email.policy.SMTPUTF8.clone(max_line_length=998)
UNSUBSCRIBE_LINK_DAYS = 730


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()


def transport() -> Transport:
    """The outbox when ``OUTBOX_DIR`` is set (locally), else SES/SNS (in AWS)."""
    current = settings.get()
    if current.outbox_dir:
        return OutboxTransport(current.outbox_dir)
    return AwsTransport(current.region)


def unsubscribe_url(customer: Customer, now: dt.datetime) -> str:
    token = tokens.issue(customer.customer_id, "unsubscribe", int(customer.link_generation),
                        now + dt.timedelta(days=UNSUBSCRIBE_LINK_DAYS))
    return f"{settings.get().api_url}/unsubscribe?token={token}"


FOOTER = {
    "sv": ("Dina uppgifter (se, ladda ner, rätta, radera)", "Välj utskick (e-post, sms)", "Avsluta alla erbjudanden",
           "Länkarna till dina uppgifter och utskick gäller i {days} dagar; en ny länk får du på webbplatsen."),
    "en": ("Your details (see, download, correct, erase)", "Choose messages (e-mail, SMS)", "Stop all offers",
           "The links to your details and messages work for {days} days; you can ask for a new one on the website."),
}


def _footer(customer: Customer, now: dt.datetime, unsubscribe: str) -> tuple[str, str]:
    lang = "en" if customer.language == "en" else "sv"
    data_label, prefs_label, stop_label, note = FOOTER[lang]
    about = clinic.current()
    token = urls.data_token(customer.customer_id, int(customer.link_generation), now)
    rows = [(data_label, urls.page_url("data", token, lang)), (prefs_label, urls.page_url("preferences", token, lang)),
            (stop_label, unsubscribe)]
    note = note.format(days=urls.DATA_LINK_DAYS)
    text = "\n\n-- \n" + f"{about.name}, {about.organisation}, {about.address}, {about.phone}\n" + "".join(
        f"{label}: {url}\n" for label, url in rows) + note + "\n"
    markup = layout.footer(f"{about.name}, {about.organisation}, {about.address}, {about.phone}", rows, note)
    return text, markup


def _record(customer: Customer, channel: str, purpose: str, recipient: str, subject: str | None,
            booking_id: str | None, transport_id: str, now: dt.datetime) -> Message:
    message_id = secrets.token_hex(8)
    at = now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    record = Message(
        customer_pk(customer.customer_id), f"MSG#{at}#{message_id}", message_id=message_id, channel=channel,
        purpose=purpose, recipient=recipient, subject=subject, booking_id=booking_id, sent_at=now,
        transport_id=transport_id, expires_at=customer.expires_at,
    )
    tx.put(record)
    return record


def _mailbox(name: str, address: str) -> Address | str:
    if address.isascii():
        return Address(name, addr_spec=address)
    # Python's Address refuses a non-ASCII local part even under SMTPUTF8; the parsed string form works.
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


def build_email(customer: Customer, subject: str, text: str, html_body: str,
                attachments: Sequence[Attachment] = (), *, now: dt.datetime) -> EmailMessage:
    """The whole message as it will be sent (also used by tests and the outbox)."""
    about = clinic.current()
    unsubscribe = unsubscribe_url(customer, now)
    footer_text, footer_html = _footer(customer, now, unsubscribe)
    message = EmailMessage(policy=ASCII_POLICY if customer.email.isascii() else UTF8_POLICY)
    message["From"] = Address(about.name, addr_spec=about.sender)
    message["To"] = _mailbox(customer.name or "", customer.email)
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=about.sender.rpartition("@")[2] or "allavie.local")
    message["Content-Language"] = "en" if customer.language == "en" else "sv"
    # RFC 2369 + RFC 8058: a one-click opt-out that mail clients show as "Unsubscribe".
    message["List-Unsubscribe"] = f"<{unsubscribe}>, <mailto:{about.sender}?subject=unsubscribe>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text.rstrip("\n") + footer_text)
    message.add_alternative(layout.document(language=customer.language, title=subject, clinic=about.name,
                                            body=html_body, footer_html=footer_html), subtype="html")
    for attachment in attachments:
        message.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                               filename=attachment.filename, params=dict(attachment.params))
    return message


def send_email(customer: Customer, purpose: str, subject: str, text: str, html: str,
               attachments: Sequence[Attachment] = (), booking_id: str | None = None, marketing: bool = False,
               *, now: dt.datetime | None = None) -> Message | None:
    """Send one e-mail to ``customer.email`` and record it. ``html`` is a fragment built with ``layout``.

    Marketing goes only to customers who opted in to e-mail; None when not sent.
    """
    now = now or clock.now()
    if marketing and not customer.marketing_email:
        return None
    message = build_email(customer, subject, text, html, attachments, now=now)
    transport_id = transport().send_email(message, customer.customer_id)
    return _record(customer, "email", purpose, customer.email, subject, booking_id, transport_id, now)


SMS_STOP = {"sv": "Sluta få sms-erbjudanden: {url}", "en": "Stop offers by SMS: {url}"}


def send_sms(customer: Customer, purpose: str, text: str, *, booking_id: str | None = None,
             marketing: bool = False, now: dt.datetime | None = None) -> Message | None:
    """Send one SMS to ``customer.phone``, ending with how to stop; None when there is no number
    (or, for marketing, no opt-in)."""
    now = now or clock.now()
    if not customer.phone or (marketing and not customer.marketing_sms):
        return None
    stop = SMS_STOP["en" if customer.language == "en" else "sv"].format(url=unsubscribe_url(customer, now))
    transport_id = transport().send_sms(customer.phone, f"{text.rstrip()}\n{stop}", customer.customer_id, now)
    return _record(customer, "sms", purpose, customer.phone, None, booking_id, transport_id, now)


def erase_copies(customer_id: str) -> int:
    """Remove the copies a transport keeps of a customer's messages (the outbox's files)."""
    return transport().erase_copies(customer_id)
