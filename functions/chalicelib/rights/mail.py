"""The e-mails of the rights capability: a fresh link to one's data, and the
confirmation of a new address. Texts in Swedish and English; anything that
came from a person is escaped in the HTML part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from .. import messages
from ..booking.notify import manage_url
from ..core import clinic
from ..links import tokens, urls
from ..messages import layout
from ..messages.dates import when
from ..store.models import Booking, Customer, Message

EMAIL_CONFIRM_HOURS = 24


def data_url(token: str, language: str) -> str:
    return urls.page_url("data", token, language)


def preferences_url(token: str, language: str) -> str:
    return urls.page_url("preferences", token, language)


def confirm_url(token: str, language: str) -> str:
    return urls.page_url("data", token, language, confirm="email")


def _when(moment: dt.datetime, language: str) -> str:
    """"onsdag 2 december 2026 kl. 08:50", as in the booking e-mails (Stockholm time)."""
    return when(moment, None, language)


Section = tuple[str, tuple[tuple[str, str], ...]]  # a lead paragraph and its links (label, url)


def _html(heading: str, paragraphs: list[str], links: list[tuple[str, str]], after: list[str],
          sections: tuple[Section, ...] = ()) -> str:
    """The shared e-mail layout's blocks (they escape): the first link as the button, the others as text links."""
    (label, url), *others = links
    parts = [layout.heading(heading), *map(layout.paragraph, paragraphs), layout.button(url, label),
             *(layout.link(link, text) for text, link in others)]
    for lead, section_links in sections:
        parts += [layout.paragraph(lead), *(layout.link(link, text) for text, link in section_links)]
    return "".join([*parts, *map(layout.paragraph, after)])


def _compose(customer: Customer, purpose: str, subject: str, heading: str, paragraphs: list[str], link: str,
             link_text: str, now: dt.datetime, *, more_links: tuple[tuple[str, str], ...] = (),
             after: tuple[str, ...] = (), to: str | None = None, confirmed: bool = True,
             sections: tuple[Section, ...] = ()) -> Message:
    """The paragraphs, then the links (each a real link in HTML, never a bare URL), then each section, then ``after``."""
    links_ = [(link_text, link), *more_links]
    blocks = [*paragraphs, *(f"{label}: {url}" for label, url in links_)]
    for lead, section_links in sections:
        blocks.append("\n".join([lead, *(f"{label}: {url}" for label, url in section_links)]))
    text = "\n\n".join([*blocks, *after]) + "\n"
    return messages.email(customer, purpose, subject, text, _html(heading, paragraphs, links_, list(after), sections),
                          now=now, to=to, confirmed=confirmed)


def _send(customer: Customer, purpose: str, subject: str, heading: str, paragraphs: list[str], link: str,
          link_text: str, now: dt.datetime, **more: Any) -> Any:
    """A message on its own (no other change goes with it)."""
    return messages.enqueue(_compose(customer, purpose, subject, heading, paragraphs, link, link_text, now, **more))


def upcoming(bookings: Iterable[Booking], customer: Customer, now: dt.datetime) -> Section | None:
    """The manage link of each booking still ahead, soonest first (a lost confirmation is no dead end)."""
    ahead = sorted((b for b in bookings if b.status == "confirmed" and b.start > now), key=lambda b: b.start)
    if not ahead:
        return None
    about = clinic.current()
    lang = "en" if customer.language == "en" else "sv"
    links_ = []
    for booking in ahead:
        service = about.service(booking.service_id)
        label = f"{service.name.get(lang) if service else booking.service_id}, {_when(booking.start, lang)}"
        links_.append((label, manage_url(booking, customer)))
    lead = ("Your bookings ahead: see, reschedule or cancel each with its own link."
            if lang == "en" else "Dina kommande bokningar: se, boka om eller avboka var och en med sin länk.")
    return lead, tuple(links_)


def send_data_link(customer: Customer, now: dt.datetime, bookings: Iterable[Booking] = ()) -> None:
    """A fresh link to "Mina uppgifter" and "Utskick", valid for a week, and the manage link of each
    of ``bookings`` still ahead (one link each, in the same e-mail)."""
    token = urls.data_token(customer.customer_id, int(customer.link_generation), now)
    until = now + dt.timedelta(days=urls.DATA_LINK_DAYS)
    name = clinic.current().name
    ahead = upcoming(bookings, customer, now)
    sections = (ahead,) if ahead is not None else ()
    if customer.language == "en":
        subject = f"Your link to your details at {name}"
        paragraphs = [
            f"Hello {customer.name},",
            "Here is the link you asked for. With it you can see, download and correct your details, "
            "choose which offers you get by e-mail or SMS, and ask us to erase your details.",
            f"The link works until {_when(until, 'en')}. Do not forward it: it opens your details.",
        ]
        _send(customer, "link", subject, "Your link", paragraphs, data_url(token, "en"), "My data", now,
              more_links=(("Messages", preferences_url(token, "en")),), sections=sections,
              after=("If you did not ask for this link you can ignore this e-mail.",))
    else:
        subject = f"Din länk till dina uppgifter hos {name}"
        paragraphs = [
            f"Hej {customer.name}!",
            "Här är länken du bad om. Med den kan du se, ladda ner och rätta dina uppgifter, "
            "välja vilka erbjudanden du får via e-post eller sms och be oss radera dina uppgifter.",
            f"Länken gäller till {_when(until, 'sv')}. Skicka den inte vidare: den öppnar dina uppgifter.",
        ]
        _send(customer, "link", subject, "Din länk", paragraphs, data_url(token, "sv"), "Mina uppgifter", now,
              more_links=(("Utskick", preferences_url(token, "sv")),), sections=sections,
              after=("Om du inte har bett om länken kan du bortse från det här meddelandet.",))


def email_confirmation(customer: Customer, new_email: str, change_id: str, now: dt.datetime) -> Message:
    """The message asking the owner of ``new_email`` to confirm it; the old address stays until then.

    Nobody has shown yet that this mailbox is the customer's (it may be a typo, or somebody else's):
    it carries only the confirmation link, none to the customer's data, preferences or offers."""
    expires = now + dt.timedelta(hours=EMAIL_CONFIRM_HOURS)
    token = tokens.issue(customer.customer_id, "email", int(customer.link_generation), expires, ref=change_id)
    name = clinic.current().name
    if customer.language == "en":
        subject = f"Confirm your new e-mail address at {name}"
        paragraphs = [
            f"Hello {customer.name},",
            f"You (or someone with your link) asked {name} to use this e-mail address from now on. "
            "Confirm it with the link below; until then we keep using your old address.",
            f"The link works until {_when(expires, 'en')}. Confirming it ends every earlier link.",
            "If you did not ask for this you can ignore this e-mail.",
        ]
        link, label, heading = confirm_url(token, "en"), "Confirm the address", "Confirm your new e-mail address"
    else:
        subject = f"Bekräfta din nya e-postadress hos {name}"
        paragraphs = [
            f"Hej {customer.name}!",
            f"Du (eller någon med din länk) bad {name} att använda den här e-postadressen från och med nu. "
            "Bekräfta den med länken nedan; till dess använder vi din gamla adress.",
            f"Länken gäller till {_when(expires, 'sv')}. När du bekräftar slutar alla tidigare länkar att gälla.",
            "Om du inte har bett om detta kan du bortse från meddelandet.",
        ]
        link, label, heading = confirm_url(token, "sv"), "Bekräfta adressen", "Bekräfta din nya e-postadress"
    return _compose(customer, "email_change", subject, heading, paragraphs, link, label, now, to=new_email,
                    confirmed=False)
