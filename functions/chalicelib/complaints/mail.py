"""The e-mails of a complaint: a receipt when it is filed, and each answer of the clinic.

Each carries the customer's and the clinic's words as written (escaped by ``layout``) and
a link to the booking's manage page, where the customer reads the thread and replies.
The link is the 7-day data link every e-mail's footer carries, opening this booking.
Each is built as a queued ``Message`` for the transaction of the change it tells about
(``messages.add``): the complaint and its e-mail are stored together, or neither.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from .. import messages
from ..core import clinic as clinic_module
from ..core import i18n
from ..links import urls
from ..messages import layout
from ..messages.dates import when
from ..store import lookups
from ..store.models import Booking, Complaint, Customer, Message

log = logging.getLogger(__name__)

T = {
    "sv": {
        "hello": "Hej {name}!",
        "received.subject": "Vi har tagit emot din reklamation",
        "received.lead": "Tack för att du hör av dig. Vi har tagit emot din reklamation av {service} {when} "
                         "och svarar dig så snart vi kan, senast inom en vecka.",
        "answer.subject": "Svar på din reklamation",
        "answer.lead": "Vi har svarat på din reklamation av {service} {when}.",
        "closed.subject": "Din reklamation är avslutad",
        "yours": "Din reklamation", "ours": "Vårt svar", "outcome": "Beslut", "reason": "Skäl",
        "refund": "Återbetalning", "kr": "{amount} kr",
        "link": "Läs och svara på din reklamation",
        "link.note": "Länken gäller i {days} dagar. Därefter kan du begära en ny länk på webbplatsen "
                     "eller ringa oss på {phone}.",
        "outcome.redone": "Vi gör om behandlingen utan kostnad. Vi kontaktar dig för att boka en tid.",
        "outcome.partial_refund": "Du får en del av betalningen tillbaka.",
        "outcome.rejected": "Vi kan tyvärr inte godta reklamationen.",
        "outcome.resolved": "Ärendet är avslutat.",
    },
    "en": {
        "hello": "Hello {name},",
        "received.subject": "We have received your complaint",
        "received.lead": "Thank you for letting us know. We have received your complaint about {service} {when} "
                         "and will answer as soon as we can, within a week at the latest.",
        "answer.subject": "Answer to your complaint",
        "answer.lead": "We have answered your complaint about {service} {when}.",
        "closed.subject": "Your complaint is closed",
        "yours": "Your complaint", "ours": "Our answer", "outcome": "Decision", "reason": "Reason",
        "refund": "Refund", "kr": "SEK {amount}",
        "link": "Read and reply to your complaint",
        "link.note": "The link works for {days} days. After that you can ask for a new link on the website "
                     "or call us on {phone}.",
        "outcome.redone": "We will do the treatment again at no cost. We will contact you to book a time.",
        "outcome.partial_refund": "You get part of the payment back.",
        "outcome.rejected": "Unfortunately we cannot accept the complaint.",
        "outcome.resolved": "The matter is closed.",
    },
}


_t = i18n.phrases(T)


def quietly(action: Callable[..., Any], *args: Any) -> None:
    """Work that follows a committed change (a refund made): a failure is logged, never answered."""
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - the change stands; the log says what did not follow it
        log.exception("after a complaint's change: %s failed", getattr(action, "__name__", action))


def manage_link(customer: Customer, booking_id: str, now: dt.datetime) -> str:
    token = urls.data_token(customer.customer_id, int(customer.link_generation), now)
    return urls.page_url("manage", token, customer.language, b=booking_id)


def _about(booking: Booking | None, language: str) -> tuple[str, str]:
    if booking is None:
        return "", ""
    service = clinic_module.current().service(booking.service_id)
    return (service.name.get(language) if service else booking.service_id), when(booking.start, None, language)


def _compose(customer: Customer, complaint: Complaint, subject_key: str, lead_key: str, blocks: list[tuple[str, str]],
             now: dt.datetime, booking: Booking | None = None, extra_rows: list[tuple[str, str]] | None = None) -> Message:
    lang = "en" if customer.language == "en" else "sv"
    booking = booking or lookups.booking(customer.customer_id, complaint.booking_id, now)
    service, moment = _about(booking, lang)
    about = clinic_module.current()
    hello, lead = _t(lang, "hello", name=customer.name), _t(lang, lead_key, service=service, when=moment)
    url = manage_link(customer, complaint.booking_id, now)
    link_note = _t(lang, "link.note", days=urls.DATA_LINK_DAYS, phone=about.phone)
    text = [hello, "", lead, ""]
    markup = [layout.heading(_t(lang, subject_key)), layout.paragraph(hello), layout.paragraph(lead)]
    for label, words in blocks:
        text += [f"{label}:", words, ""]
        markup.append(layout.note(label, words))
    if extra_rows:
        text += [f"{label}: {value}" for label, value in extra_rows] + [""]
        markup.append(layout.facts(extra_rows))
    text += [f"{_t(lang, 'link')}: {url}", link_note]
    markup += [layout.button(url, _t(lang, "link")), layout.paragraph(link_note)]
    return messages.email(customer, "complaint", _t(lang, subject_key), "\n".join(text) + "\n", "\n".join(markup),
                          booking_id=complaint.booking_id, now=now)


def received(customer: Customer, booking: Booking, complaint: Complaint, now: dt.datetime) -> Message | None:
    """The receipt of a complaint just filed (``complaint`` as it will be written); None for a customer
    without an e-mail address (a caller booked by staff: the clinic answers by phone)."""
    if not customer.email:
        return None
    lang = "en" if customer.language == "en" else "sv"
    return _compose(customer, complaint, "received.subject", "received.lead",
                    [(_t(lang, "yours"), complaint.messages[0].text)], now, booking)


def answer(customer: Customer, complaint: Complaint, now: dt.datetime) -> Message | None:
    """The clinic's latest message (``complaint`` as it will be written); when it closes the complaint, its
    outcome too. None without an e-mail address, as ``received``."""
    if not customer.email:
        return None
    lang = "en" if customer.language == "en" else "sv"
    answer = complaint.messages[-1].text
    rows: list[tuple[str, str]] = []
    blocks = [(_t(lang, "ours"), answer)]
    closed = complaint.status == "closed" and complaint.outcome
    if closed:
        rows.append((_t(lang, "outcome"), _t(lang, f"outcome.{complaint.outcome}")))
        if complaint.refund_sek:
            amount = f"{int(complaint.refund_sek):,}".replace(",", "\u00a0" if lang == "sv" else ",")
            rows.append((_t(lang, "refund"), _t(lang, "kr", amount=amount)))
        if complaint.outcome_note:
            blocks.append((_t(lang, "reason"), complaint.outcome_note))
    return _compose(customer, complaint, "closed.subject" if closed else "answer.subject", "answer.lead", blocks, now,
                    extra_rows=rows)


def send_answer(customer: Customer, complaint: Complaint, now: dt.datetime) -> None:
    """The answer queued on its own: after a partial refund, which is made once the complaint is closed."""
    messages.enqueue(answer(customer, complaint, now))
