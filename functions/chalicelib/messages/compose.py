"""A message as it will leave: the whole e-mail (headers, text, HTML, attachments, footer) or SMS text.

Every e-mail carries the one-click ``List-Unsubscribe`` headers (stopping offers by e-mail only) and a footer with links to the
customer's data and preferences, except one to an address the customer has not confirmed yet
(``confirmed=False``): whoever reads that mailbox gets no link to anybody's data. Every SMS ends
with how to stop offers by SMS (a link that stops SMS only).
"""

from __future__ import annotations

import datetime as dt
import email.errors
import email.policy
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..core import clinic, settings
from ..core.fields import header_shaped
from ..links import tokens, urls
from ..store.models import Customer
from . import addresses, layout

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


def unsubscribe_url(customer: Customer, now: dt.datetime, channel: str | None = None) -> str:
    """The one-click link that stops offers by ``channel`` (an e-mail's stops e-mail, an SMS's stops SMS:
    the other channel stays as it was); without a channel, the link stops both."""
    token = tokens.issue(customer.customer_id, "unsubscribe", int(customer.link_generation),
                        now + dt.timedelta(days=UNSUBSCRIBE_LINK_DAYS), ref=channel)
    return f"{settings.get().api_url}/unsubscribe?token={token}"


FOOTER = {
    "sv": ("Dina uppgifter (se, ladda ner, rätta, radera)", "Välj utskick (e-post, sms)", "Avsluta erbjudanden per e-post",
           "Länkarna till dina uppgifter och utskick gäller i {days} dagar; en ny länk får du på webbplatsen."),
    "en": ("Your details (see, download, correct, erase)", "Choose messages (e-mail, SMS)", "Stop offers by e-mail",
           "The links to your details and messages work for {days} days; you can ask for a new one on the website."),
}


def _footer(customer: Customer, now: dt.datetime, unsubscribe: str | None) -> tuple[str, str]:
    lang = "en" if customer.language == "en" else "sv"
    data_label, prefs_label, stop_label, note = FOOTER[lang]
    about = clinic.current()
    who = f"{about.name}, {about.organisation}, {about.address}, {about.phone}"
    if unsubscribe is None:  # to an address not confirmed yet: who we are, no links
        return "\n\n-- \n" + who + "\n", layout.footer(who, [], "")
    token = urls.data_token(customer.customer_id, int(customer.link_generation), now)
    rows = [(data_label, urls.page_url("data", token, lang)), (prefs_label, urls.page_url("preferences", token, lang)),
            (stop_label, unsubscribe)]
    note = note.format(days=urls.DATA_LINK_DAYS)
    text = "\n\n-- \n" + who + "\n" + "".join(f"{label}: {url}\n" for label, url in rows) + note + "\n"
    return text, layout.footer(who, rows, note)


def build_email(customer: Customer, subject: str, text: str, html_body: str,
                attachments: Sequence[Attachment] = (), *, now: dt.datetime, to: str | None = None,
                confirmed: bool = True) -> EmailMessage:
    """The whole message to ``to`` (default: the customer's address), checked by ``addresses.check``;
    ``addresses.UnsafeMessage`` when it cannot be composed safely (a subject that would act in a header)."""
    if header_shaped(" ".join(subject.split())):  # line breaks are made spaces below; an encoded word is not
        raise addresses.UnsafeMessage("the subject holds an encoded word")
    try:
        return _build(customer, subject, text, html_body, attachments, now=now, to=to, confirmed=confirmed)
    except addresses.UnsafeMessage:
        raise
    except (ValueError, email.errors.MessageError) as refused:  # the email package refusing a header: never composed, never a 500
        raise addresses.UnsafeMessage(f"not composed: {refused}") from refused


def _build(customer: Customer, subject: str, text: str, html_body: str, attachments: Sequence[Attachment], *,
           now: dt.datetime, to: str | None, confirmed: bool) -> EmailMessage:
    about = clinic.current()
    recipient = to or customer.email
    unsubscribe = unsubscribe_url(customer, now, "email") if confirmed else None
    footer_text, footer_html = _footer(customer, now, unsubscribe)
    message = EmailMessage(policy=ASCII_POLICY if recipient.isascii() else UTF8_POLICY)
    message["From"] = Address(about.name, addr_spec=about.sender)
    message["To"] = addresses.mailbox(customer.name or "", recipient)
    message["Subject"] = " ".join(subject.split())  # one line, whatever a caller passes
    message["Date"] = format_datetime(now.astimezone(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=about.sender.rpartition("@")[2] or "allavie.local")
    message["Content-Language"] = "en" if customer.language == "en" else "sv"
    if unsubscribe is not None:
        # RFC 2369 + RFC 8058: a one-click opt-out that mail clients show as "Unsubscribe".
        message["List-Unsubscribe"] = f"<{unsubscribe}>, <mailto:{about.sender}?subject=unsubscribe>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text.rstrip("\n") + footer_text)
    message.add_alternative(layout.document(language=customer.language, title=subject, clinic=about.name,
                                            body=html_body, footer_html=footer_html), subtype="html")
    for attachment in attachments:
        message.add_attachment(attachment.content, maintype=attachment.maintype, subtype=attachment.subtype,
                               filename=attachment.filename, params=dict(attachment.params))
    addresses.check(message.as_bytes(), recipient)
    return message


SMS_STOP = {"sv": "Sluta få sms-erbjudanden: {url}", "en": "Stop offers by SMS: {url}"}


def sms_unsubscribe_url(customer: Customer, now: dt.datetime) -> str:
    """The short link that stops SMS offers (links.tokens' short form; the full one if it does not fit)."""
    expires = now + dt.timedelta(days=UNSUBSCRIBE_LINK_DAYS)
    code = tokens.issue_short_unsubscribe(customer.customer_id, int(customer.link_generation), expires, "sms")
    return f"{settings.get().api_url}/unsubscribe?token={code}" if code else unsubscribe_url(customer, now, "sms")


def sms_text(customer: Customer, text: str, now: dt.datetime) -> str:
    stop = SMS_STOP["en" if customer.language == "en" else "sv"].format(url=sms_unsubscribe_url(customer, now))
    return f"{text.rstrip()}\n{stop}"
