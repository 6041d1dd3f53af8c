"""An offer or a follow-up as it leaves, to one customer: the e-mail (through ``messages.email``, so it has
the one-click ``List-Unsubscribe`` that stops offers by e-mail and the footer's link to the Utskick page)
and the SMS (``messages.sms``: it ends with the link that stops SMS offers). Pure apart from the clock
given; every typed text goes in as text, escaped by the layout's blocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as mail_policy
from urllib.parse import urlencode

from ..core import clinic as clinic_module
from ..core.errors import Conflict
from ..links import urls
from ..messages import email, layout, sms
from ..messages.addresses import UnsafeMessage
from ..store.models import Customer, Message

GREETING = {"sv": "Hej {name}!", "en": "Hello {name},"}
BOOK = {"sv": "Boka {service}", "en": "Book {service}"}
WHY = {"sv": "Du får det här för att du har valt att få erbjudanden från oss via {channel}.",
       "en": "You get this because you chose to get offers from us by {channel}."}
CHANNEL_NAME = {("sv", "email"): "e-post", ("sv", "sms"): "sms", ("en", "email"): "e-mail", ("en", "sms"): "SMS"}


@dataclass(frozen=True)
class Content:
    """What one message says: the clinic's words and, optionally, the treatment whose booking page it links."""

    subject: str
    text: str
    service_id: str | None = None


def booking_url(service_id: str, language: str) -> str:
    """The booking page with the treatment chosen (``?behandling=``)."""
    return urls.site_page("boka", language) + "?" + urlencode({"behandling": service_id})


def _language(customer: Customer) -> str:
    return "en" if customer.language == "en" else "sv"


def _service_name(service_id: str | None, language: str) -> str | None:
    service = clinic_module.current().service(service_id) if service_id else None
    return service.name.get(language) if service is not None else None


def email_message(customer: Customer, content: Content, purpose: str, *, now: dt.datetime) -> Message:
    """The offer e-mail as a queued Message (nothing stored yet)."""
    lang = _language(customer)
    first = (customer.name or "").split()[0] if (customer.name or "").split() else ""
    greeting = GREETING[lang].format(name=first).replace(" !", "!").replace(" ,", ",")
    why = WHY[lang].format(channel=CHANNEL_NAME[(lang, "email")])
    paragraphs = [p for p in content.text.split("\n\n") if p.strip()]
    text = greeting + "\n\n" + "\n\n".join(paragraphs)
    html = layout.paragraph(greeting) + "".join(layout.paragraph(p) for p in paragraphs)
    name = _service_name(content.service_id, lang)
    if content.service_id and name:
        url = booking_url(content.service_id, lang)
        label = BOOK[lang].format(service=name.lower() if lang == "sv" else name)
        text += f"\n\n{label}: {url}"
        html += layout.button(url, label)
    text += "\n\n" + why
    html += layout.paragraph(why)
    return email(customer, purpose, content.subject, text, html, now=now)


def sms_message(customer: Customer, content: Content, purpose: str, *, now: dt.datetime) -> Message | None:
    """The offer SMS as a queued Message, or None without a number: the clinic's name, the text, the
    booking link, and (added by ``messages.sms``) the link that stops SMS offers."""
    lang = _language(customer)
    body = f"{clinic_module.current().name}: {content.text}"
    if content.service_id and _service_name(content.service_id, lang):
        body += f"\n{booking_url(content.service_id, lang)}"
    return sms(customer, purpose, body, now=now)


def message(customer: Customer, content: Content, channel: str, purpose: str, *, now: dt.datetime) -> Message | None:
    if channel == "email":
        return email_message(customer, content, purpose, now=now) if customer.email else None
    return sms_message(customer, content, purpose, now=now)


def composable(content: Content, now: dt.datetime) -> bool:
    """Whether the offer's messages can be composed at all (for a made-up customer of each language): an offer
    whose cannot fails visibly instead of being sent (``offers.fail``), and its preview is a 409, never a 500."""
    try:
        for language in ("sv", "en"):
            customer = sample_customer(language)
            email_message(customer, content, "offer", now=now)
            sms_message(customer, content, "offer", now=now)
    except UnsafeMessage:
        return False
    return True


# --- the back office's preview --------------------------------------------------------------------------

SAMPLE = {"sv": ("Anna Exempel", "anna.exempel@example.se"), "en": ("Anna Example", "anna.example@example.com")}


def sample_customer(language: str) -> Customer:
    """Nobody: a made-up customer for the preview (their links open nothing, there is no such customer)."""
    name, address = SAMPLE["en" if language == "en" else "sv"]
    sample_id = "0" * 20  # hex as every customer id (so the SMS's short stop link is as long as a real one)
    return Customer(*Customer.key(sample_id), customer_id=sample_id, name=name, email=address, phone="+46700000000",
                    language=language, link_generation=0, created_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))


def preview(content: Content, language: str, *, now: dt.datetime) -> dict[str, object]:
    """The offer as the e-mail (its headers and text) and the SMS a customer of ``language`` would get."""
    customer = sample_customer(language)
    try:
        mail = email_message(customer, content, "offer", now=now)
    except UnsafeMessage:
        raise Conflict("offer_uncomposable") from None  # the offer fails when sent; staff edit or remove it
    parsed = message_from_bytes((mail.payload or "").encode("utf-8"), policy=mail_policy)  # as a mail client reads it
    body = parsed.get_body(("plain",)) if isinstance(parsed, EmailMessage) else None
    text = str(body.get_content()) if isinstance(body, EmailMessage) else ""
    sms_part = sms_message(customer, content, "offer", now=now)
    sms_text = sms_part.payload if sms_part is not None and sms_part.payload else ""
    return {
        "language": language,
        "email": {"from": str(parsed["From"]), "to": str(parsed["To"]), "subject": str(parsed["Subject"]),
                  "list_unsubscribe": str(parsed["List-Unsubscribe"]),
                  "list_unsubscribe_post": str(parsed["List-Unsubscribe-Post"]), "text": text},
        "sms": {"text": sms_text, "characters": len(sms_text), "parts": sms_parts(sms_text)},
    }


def sms_parts(text: str) -> int:
    """How many text messages an SMS takes (GSM 7-bit: 160 alone, 153 joined; otherwise UCS-2: 70 / 67)."""
    gsm = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
              "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")
    if all(ch in gsm for ch in text):
        return 1 if len(text) <= 160 else -(-len(text) // 153)
    return 1 if len(text) <= 70 else -(-len(text) // 67)
