"""The e-mails and SMS about a booking: confirmation, new time, cancellation,
reminder. Swedish by default, English when the customer chose it; plain text
and HTML built with ``layout`` in which everything is escaped (the name and
the note are the customer's own words); an ``.ics`` file; the link to manage the booking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..core import clinic as clinic_module
from ..core import i18n
from ..messages import Attachment, layout
from ..messages.dates import when
from ..messages.ics import booking_ics


@dataclass(frozen=True)
class BookingFacts:
    """What a booking e-mail says; the caller gathers it from the booking and the clinic file."""

    booking_id: str
    name: str
    language: str
    service: str
    staff: str
    start: dt.datetime
    end: dt.datetime
    price_sek: int
    paid_sek: int
    note: str | None
    manage_url: str | None
    change_until: dt.datetime
    sequence: int
    # Offers ticked on the booking form, not yet confirmed: the confirmation asks (double opt-in).
    marketing_channels: tuple[str, ...] = ()
    marketing_url: str | None = None
    terms_url: str | None = None  # the Bokningsvillkor page, in the customer's language


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str
    attachments: Sequence[Attachment]


T = {
    "sv": {
        "hello": "Hej {name}!",
        "confirmation.subject": "Bokningsbekräftelse: {service} {when}",
        "confirmation.heading": "Bokningsbekräftelse", "reschedule.heading": "Ny tid",
        "cancellation.heading": "Avbokad", "reminder.heading": "Påminnelse om din tid",
        "confirmation.lead": "Tack för din bokning hos {clinic}. Välkommen!",
        "reschedule.subject": "Ny tid: {service} {when}",
        "reschedule.lead": "Din bokning har flyttats. Den nya tiden är:",
        "cancellation.subject": "Avbokad: {service} {when}",
        "cancellation.lead": "Din bokning är avbokad. Tiden är nu ledig för någon annan.",
        "reminder.subject": "Påminnelse: {service} {when}",
        "reminder.lead": "Välkommen till {clinic}! Här är en påminnelse om din tid.",
        "service": "Behandling", "when": "Tid", "staff": "Behandlare", "where": "Plats", "price": "Pris",
        "paid": "Förskott betalt", "note": "Ditt meddelande till oss", "kr": "{amount} kr", "free": "Kostnadsfri",
        "refund": "Återbetalning", "manage": "Ändra eller avboka senast {until}",
        "manage.link": "Hantera din bokning", "ics": "Kalenderfilen i bilagan lägger in tiden i din kalender.",
        "late": "Vill du ändra något senare än så? Ring oss på {phone}.",
        "locked": "Den här tiden går inte att ändra eller avboka på nätet, eftersom det är mindre än {hours} timmar "
                  "kvar till den. Behöver du ändra eller avboka, ring oss på {phone} eller mejla {email}.",
        "view.link": "Se din bokning",
        "terms": "Bokningsvillkor (ombokning, avbokning och återbetalning)",
        "sms.reminder": "Påminnelse från {clinic}: {service} {when}, {address}. Ändra/avboka: ring {phone}.",
        "sms.confirmation": "Bokat hos {clinic}: {service} {when} med {staff}, {address}. Ändra/avboka: ring {phone}.",
        "sms.reschedule": "Ny tid hos {clinic}: {service} {when} med {staff}, {address}. Frågor: ring {phone}.",
        "sms.cancellation": "Avbokat hos {clinic}: {service} {when}. Frågor: ring {phone}.",
        "clinic_message": "Meddelande från oss",
        "offers.email": "e-post", "offers.sms": "sms", "offers.and": " och ",
        "offers.lead": "Du kryssade i att du vill ha erbjudanden från oss. Vi skickar inga förrän du har bekräftat det:",
        "offers.link": "Bekräfta att du vill ha erbjudanden via {channels}",
        "offers.ignore": "Har du inte bett om erbjudanden? Bortse från länken, så får du inga.",
    },
    "en": {
        "hello": "Hello {name},",
        "confirmation.subject": "Booking confirmed: {service} {when}",
        "confirmation.heading": "Booking confirmed", "reschedule.heading": "New time",
        "cancellation.heading": "Cancelled", "reminder.heading": "Reminder of your appointment",
        "confirmation.lead": "Thank you for booking with {clinic}. Welcome!",
        "reschedule.subject": "New time: {service} {when}",
        "reschedule.lead": "Your booking has been moved. The new time is:",
        "cancellation.subject": "Cancelled: {service} {when}",
        "cancellation.lead": "Your booking is cancelled. The time is now free for someone else.",
        "reminder.subject": "Reminder: {service} {when}",
        "reminder.lead": "Welcome to {clinic}! This is a reminder of your appointment.",
        "service": "Treatment", "when": "Time", "staff": "With", "where": "Place", "price": "Price",
        "paid": "Prepaid", "note": "Your message to us", "kr": "SEK {amount}", "free": "Free",
        "refund": "Refund", "manage": "Change or cancel until {until}",
        "manage.link": "Manage your booking", "ics": "Open the attached calendar file to add it to your calendar.",
        "late": "Need a change after that? Call us on {phone}.",
        "locked": "This appointment can no longer be changed or cancelled online: it is less than {hours} hours away. "
                  "To change or cancel it, call us on {phone} or e-mail {email}.",
        "view.link": "See your booking",
        "terms": "Booking terms (rescheduling, cancelling and refunds)",
        "sms.reminder": "Reminder from {clinic}: {service} {when}, {address}. To change or cancel, call {phone}.",
        "sms.confirmation": "Booked at {clinic}: {service} {when} with {staff}, {address}. To change or cancel, call {phone}.",
        "sms.reschedule": "New time at {clinic}: {service} {when} with {staff}, {address}. Questions: call {phone}.",
        "sms.cancellation": "Cancelled at {clinic}: {service} {when}. Questions: call {phone}.",
        "clinic_message": "A message from us",
        "offers.email": "e-mail", "offers.sms": "SMS", "offers.and": " and ",
        "offers.lead": "You ticked that you want offers from us. We send none until you have confirmed it:",
        "offers.link": "Confirm that you want offers by {channels}",
        "offers.ignore": "Did not ask for offers? Ignore the link and you will get none.",
    },
}


_t = i18n.phrases(T)


def _kronor(language: str, amount: int) -> str:
    """1\u00a0200 kr in Swedish, SEK 1,200 in English (as on the price list)."""
    grouped = f"{amount:,}".replace(",", "\u00a0") if language != "en" else f"{amount:,}"
    return _t(language, "kr", amount=grouped)


def compose(kind: str, facts: BookingFacts, *, now: dt.datetime, refund_sek: int | None = None,
            clinic_message: str | None = None) -> Mail:
    """``kind`` is confirmation | reschedule | cancellation | reminder; ``clinic_message``: the clinic's
    own words (a cancellation by staff), escaped like everything else."""
    about = clinic_module.current()
    lang = "en" if facts.language == "en" else "sv"
    moment = when(facts.start, facts.end, lang)
    subject = _t(lang, f"{kind}.subject", service=facts.service, when=when(facts.start, None, lang))
    rows: list[tuple[str, str]] = [
        (_t(lang, "service"), facts.service),
        (_t(lang, "when"), moment),
        (_t(lang, "staff"), facts.staff),
        (_t(lang, "where"), f"{about.name}, {about.address}"),
    ]
    if kind != "cancellation":
        price = _kronor(lang, facts.price_sek) if facts.price_sek else _t(lang, "free")
        rows.append((_t(lang, "price"), price))
        if facts.paid_sek:
            rows.append((_t(lang, "paid"), _kronor(lang, facts.paid_sek)))
    if refund_sek:
        rows.append((_t(lang, "refund"), _kronor(lang, refund_sek)))
    lead = _t(lang, f"{kind}.lead", clinic=about.name)
    hello = _t(lang, "hello", name=facts.name)

    text_lines = [hello, "", lead, ""] + [f"{label}: {value}" for label, value in rows]
    markup = [layout.heading(_t(lang, f"{kind}.heading")), layout.paragraph(hello), layout.paragraph(lead),
              layout.facts(rows)]
    if clinic_message:
        text_lines += ["", f"{_t(lang, 'clinic_message')}:", clinic_message]
        markup.append(layout.note(_t(lang, "clinic_message"), clinic_message))
    if facts.note and kind != "cancellation":
        text_lines += ["", f"{_t(lang, 'note')}:", facts.note]
        markup.append(layout.note(_t(lang, "note"), facts.note))
    if facts.manage_url and kind != "cancellation" and now > facts.change_until:
        # Booked (or told) inside the change deadline: no "change until" a moment already past.
        locked = _t(lang, "locked", hours=about.rules.change_deadline_hours, phone=about.phone, email=about.sender)
        text_lines += ["", locked, f"{_t(lang, 'view.link')}: {facts.manage_url}"]
        markup += [layout.paragraph(locked), layout.link(facts.manage_url, _t(lang, "view.link"))]
    elif facts.manage_url and kind != "cancellation":
        until = when(facts.change_until, None, lang)
        manage = _t(lang, "manage", until=until)
        text_lines += ["", f"{manage}:", facts.manage_url]
        markup += [layout.paragraph(f"{manage}:"), layout.button(facts.manage_url, _t(lang, "manage.link"))]
        late = _t(lang, "late", phone=about.phone)
        text_lines += [late]
        markup.append(layout.paragraph(late))
    if facts.terms_url and kind in ("confirmation", "reschedule"):
        text_lines += ["", f"{_t(lang, 'terms')}: {facts.terms_url}"]
        markup.append(layout.link(facts.terms_url, _t(lang, "terms")))
    if kind == "confirmation" and facts.marketing_url and facts.marketing_channels:
        channels = _t(lang, "offers.and").join(_t(lang, f"offers.{ch}") for ch in facts.marketing_channels)
        label, lead, ignore = (_t(lang, "offers.link", channels=channels), _t(lang, "offers.lead"),
                               _t(lang, "offers.ignore"))
        text_lines += ["", lead, f"{label}: {facts.marketing_url}", ignore]
        markup += [layout.paragraph(lead), layout.link(facts.marketing_url, label), layout.paragraph(ignore)]
    attachments: list[Attachment] = []
    if kind in ("confirmation", "reschedule", "cancellation"):
        text_lines += ["", _t(lang, "ics")]
        markup.append(layout.paragraph(_t(lang, "ics")))
        # No link with a token: calendars are shared and synced; the e-mail's body keeps the manage link.
        description = "\n".join(f"{label}: {value}" for label, value in rows)
        ics = booking_ics(
            uid=f"{facts.booking_id}@allavie-booking", start=facts.start, end=facts.end,
            summary=f"{facts.service} – {about.name}", location=f"{about.name}, {about.address}",
            description=description, organizer_email=about.sender, sequence=facts.sequence, now=now,
            cancelled=kind == "cancellation",
        )
        method = "CANCEL" if kind == "cancellation" else "PUBLISH"
        attachments.append(Attachment("bokning.ics" if lang == "sv" else "booking.ics", ics, "text", "calendar",
                                      (("method", method), ("charset", "utf-8"))))  # MIME text/* is ASCII by default
    return Mail(subject, "\n".join(text_lines) + "\n", "\n".join(markup), attachments)


def booking_sms(kind: str, facts: BookingFacts, clinic_message: str | None = None) -> str:
    """A booking's confirmation, new time or cancellation by SMS (a caller without an e-mail address)."""
    about = clinic_module.current()
    lang = "en" if facts.language == "en" else "sv"
    text = _t(lang, f"sms.{kind}", clinic=about.name, service=facts.service, staff=facts.staff,
              when=when(facts.start, facts.end, lang), address=about.address, phone=about.phone)
    return f"{text}\n{clinic_message}" if clinic_message else text


def reminder_sms(facts: BookingFacts) -> str:
    about = clinic_module.current()
    lang = "en" if facts.language == "en" else "sv"
    return _t(lang, "sms.reminder", clinic=about.name, service=facts.service, when=when(facts.start, facts.end, lang),
              address=about.address, phone=about.phone)
