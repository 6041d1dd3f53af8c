"""Pages that show the clinic's own data (functions/chalicelib/clinic.yml) and
the notice's version (mkdocs.yml extra.policy_version), without a copy of either.

A page writes a marker ``<!-- allavie:NAME -->`` where the generated Markdown goes;
an unknown marker fails the build, so a typo never ships as an empty section.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "functions"))

from chalicelib.core import clinic  # noqa: E402

MARKER = re.compile(r"<!--\s*allavie:([a-z_]+)\s*-->")
WEEKDAY_NAMES = {
    "sv": ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WORDS = {
    "sv": {
        "treatment": "Behandling", "duration": "Tid", "price": "Pris", "prepay": "Förskott vid bokning",
        "minutes": "min", "free": "Kostnadsfri", "none": "–", "age": "Från {age} år.",
        "closed": "Stängt", "day": "Dag", "hours": "Öppet", "exceptions": "Avvikande öppettider",
        "version": "Version {version}, gäller från {date}.",
        "book": "Boka", "book_hidden": "Boka {name}",
    },
    "en": {
        "treatment": "Treatment", "duration": "Duration", "price": "Price", "prepay": "Prepaid when booking",
        "minutes": "min", "free": "Free", "none": "–", "age": "From age {age}.",
        "closed": "Closed", "day": "Day", "hours": "Open", "exceptions": "Changed opening hours",
        "version": "Version {version}, in force from {date}.",
        "book": "Book", "book_hidden": "Book {name}",
    },
}


MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def _date(day: dt.date, lang: str) -> str:
    """"torsdag 24 december 2026" / "Thursday 24 December 2026", as the booking page writes dates."""
    weekday = WEEKDAY_NAMES[lang][day.weekday()]
    return f"{weekday.lower() if lang == 'sv' else weekday} {day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def _kronor(amount: int, lang: str) -> str:
    """1\u00a0200 kr in Swedish, SEK 1,200 in English: as on the booking page and in the e-mails."""
    if lang == "en":
        return f"SEK\u00a0{amount:,}"
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0kr"


def treatments(lang: str, config: Any) -> str:
    """An HTML table whose cells name their column (data-label): on phones it stacks, one treatment
    a block, instead of hiding the prepayment column past the screen's edge."""
    words = WORDS[lang]
    heads = [words["treatment"], words["duration"], words["price"], words["prepay"]]
    # The name needs no "Treatment" above it when stacked: the bold name says what it is; nor the link.
    labels = [""] + [f' data-label="{html.escape(h, quote=True)}"' for h in heads[1:]] + [' class="allavie-book-cell"']
    rows = []
    data = clinic.load()
    for service in data.services:
        about = service.description.get(lang)
        if service.age_limit and str(service.age_limit) not in about:  # unless the text already says it
            about += " " + words["age"].format(age=service.age_limit)
        if service.regulated and data.injections:  # lag (2021:363): how it is prescribed, never the medicine
            about += " " + data.injections.public_text.get(lang)
        price = _kronor(service.price_sek, lang) if service.price_sek else words["free"]
        prepay = _kronor(service.prepayment_sek, lang) if service.prepayment_sek else words["none"]
        name = html.escape(service.name.get(lang))
        # The booking page opens at the times of this treatment (?behandling=ID).
        book = (f'<a class="md-button" href="../boka/?behandling={html.escape(service.id, quote=True)}">'
                f'{words["book"]}<span class="allavie-visually-hidden"> {name}</span></a>')
        cells = [f"<strong>{name}</strong><br>{html.escape(about)}",
                 f"{service.duration_minutes}\u00a0{words['minutes']}", price, prepay, book]
        rows.append("<tr>" + "".join(f"<td{label}>{cell}</td>" for label, cell in zip(labels, cells, strict=True))
                    + "</tr>")
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
    head += f'<th scope="col"><span class="allavie-visually-hidden">{words["book"]}</span></th>'
    return ('<div class="allavie-table allavie-prices">\n<table>\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
            + "\n".join(rows) + "\n</tbody>\n</table>\n</div>")


def opening_hours(lang: str, config: Any) -> str:
    words = WORDS[lang]
    data = clinic.load()
    rows = [f"| {words['day']} | {words['hours']} |", "|---|---|"]
    for index, day in enumerate(WEEKDAY_NAMES[lang]):
        hours = data.weekly_hours.get(index)
        rows.append(f"| {day} | {hours.opens:%H:%M}–{hours.closes:%H:%M} |" if hours else f"| {day} | {words['closed']} |")
    return "\n".join(rows)


def exceptions(lang: str, config: Any) -> str:
    """Days that differ from the weekly hours, by name where the clinic file gives one:
    "Julafton, torsdag 24 december 2026: stängt". Days already past when the site is built are left out."""
    words = WORDS[lang]
    data = clinic.load()
    today = dt.date.today()
    lines = []
    for day, hours in sorted(data.exceptions.items()):
        if day < today:
            continue
        text = f"{hours.opens:%H:%M}–{hours.closes:%H:%M}" if hours else words["closed"].lower()
        name = data.exception_names.get(day)
        when = f"**{html.escape(name.get(lang))}**, {_date(day, lang)}" if name else _date(day, lang).capitalize()
        lines.append(f"- {when}: {text}")
    return "\n".join(lines) or ("- " + {"sv": "Inga just nu.", "en": "None at the moment."}[lang])


def contact(lang: str, config: Any) -> str:
    data = clinic.load()
    emails = " / ".join(f"[{e}](mailto:{e})" for e in data.emails)
    phone_link = _phone_link(data.phone)[len("tel:"):]
    label = {"sv": ("Adress", "E-post", "Telefon"), "en": ("Address", "E-mail", "Phone")}[lang]
    return (
        f"**{data.organisation} / {data.name}**  \n"
        f"{label[0]}: {data.address}  \n"
        f"{label[1]}: {emails}  \n"
        f"{label[2]}: [{data.phone}](tel:{phone_link})"
    )


def _phone_link(phone: str) -> str:
    return "tel:+46" + phone.replace("-", "").replace(" ", "").lstrip("0")


def booking_treatments(lang: str, config: Any) -> str:
    """The booking page's first step, in the page itself (no wait for the API before it shows):
    one link a treatment, ``?behandling=ID``, the address the price list links to as well."""
    words = WORDS[lang]
    items = []
    data = clinic.load()
    for service in data.services:
        price = _kronor(service.price_sek, lang) if service.price_sek else words["free"]
        meta = [f"{service.duration_minutes}\u00a0{words['minutes']}", price]
        if service.prepayment_sek:
            meta.append(BOOKING_WORDS[lang]["prepay"].format(amount=_kronor(service.prepayment_sek, lang)))
        if service.age_limit:
            meta.append(BOOKING_WORDS[lang]["age"].format(age=service.age_limit))
        sid = html.escape(service.id, quote=True)
        items.append(
            f'<li><a class="allavie-treatment" href="?behandling={sid}" data-service="{sid}">'
            f'<span class="allavie-treatment__name">{html.escape(service.name.get(lang))}</span>'
            f'<span class="allavie-treatment__meta">{html.escape(" · ".join(meta))}</span>'
            # lag (2021:363): how it is prescribed, never which prescription medicine
            + (f'<span class="allavie-treatment__note">{html.escape(data.injections.public_text.get(lang))}</span>'
               if service.regulated and data.injections else "")
            + "</a></li>")
    return '<ul class="allavie-treatments">\n' + "\n".join(items) + "\n</ul>"


def booking_staff(lang: str, config: Any) -> str:
    """The staff filter's options (booking.js keeps those who give the chosen treatment)."""
    return "\n".join(f'<option value="{html.escape(s.id, quote=True)}">{html.escape(s.name)}</option>'
                     for s in clinic.load().staff)


def booking_holidays(lang: str, config: Any) -> str:
    """The names of the days that differ, for the booking page's date strip ("Julafton")."""
    data = clinic.load()
    spans = [f'<span data-holiday="{day.isoformat()}"{"" if data.exceptions.get(day) else " data-closed"}>'
             f'{html.escape(name.get(lang))}</span>' for day, name in sorted(data.exception_names.items())]
    # The weekdays the clinic is closed (JavaScript's numbering: 0 is Sunday), for "Stängt" in the strip.
    closed = [str((index + 1) % 7) for index in range(7) if index not in data.weekly_hours]
    spans.append(f'<span data-closed-weekdays="{" ".join(closed)}"></span>')
    return "\n".join(spans)


def change_deadline_hours(lang: str, config: Any) -> str:
    return str(clinic.load().rules.change_deadline_hours)


def hold_minutes(lang: str, config: Any) -> str:
    return str(clinic.load().rules.hold_minutes)


def phone(lang: str, config: Any) -> str:
    return html.escape(clinic.load().phone)


def phone_international(lang: str, config: Any) -> str:
    """"+46 63 512545" for "063-512545": how a caller from abroad dials it (the English pages)."""
    return html.escape("+46 " + clinic.load().phone.lstrip("0").replace("-", " "))


def email(lang: str, config: Any) -> str:
    """The clinic's first e-mail address, as a link."""
    address = html.escape(clinic.load().emails[0], quote=True)
    return f'<a href="mailto:{address}">{address}</a>'


BOOKING_WORDS = {
    "sv": {"prepay": "förskott {amount}", "age": "från {age} år"},
    "en": {"prepay": "prepayment {amount}", "age": "from age {age}"},
}

TERMS = {
    "sv": {
        "change_title": "Ombokning och avbokning",
        "change": ("Du kan boka om eller avboka din tid på nätet fram till **{hours} timmar** före behandlingen, "
                   "med länken i bokningsbekräftelsen (se [Mina sidor](../mina-sidor/)). Därefter går tiden inte "
                   "att ändra eller avboka på nätet; ring oss då på [{phone}]({tel})."),
        "notice": "Du kan boka som senast {notice} före behandlingen.",
        "prepay_title": "Förskott",
        "prepay": ("För vissa behandlingar betalar du ett förskott när du bokar, med kort eller, där det erbjuds, "
                   "Klarna eller Swish. Förskottet är en del av priset; resten betalar du hos oss."),
        "hold_title": "Tiden hålls medan du betalar",
        "hold": ("När en behandling kräver förskott håller vi tiden åt dig i {minutes} minuter medan du betalar. "
                 "Bokningen gäller först när betalningen har kommit in; betalar du inte inom den tiden släpps tiden "
                 "till någon annan."),
        "refund_title": "Återbetalning",
        "refund": ("Avbokar du senast {hours} timmar före din tid får du tillbaka hela förskottet. Avbokar du senare, "
                   "eller kommer du inte till din tid utan att ha avbokat, betalas förskottet inte tillbaka."),
        "free": "Behandlingar utan förskott kostar inget att avboka.",
        "age_title": "Åldersgräns",
        "age": "Följande behandlingar ges bara till dig som har fyllt {age} år, och du intygar din ålder när du bokar:",
        "treatment": "Behandling", "price": "Pris", "prepayment": "Förskott",
        "hours_word": "timmar", "minutes_word": "minuter", "hour_one": "timme", "minute_one": "minut",
    },
    "en": {
        "change_title": "Rescheduling and cancelling",
        "change": ("You can reschedule or cancel your appointment online until **{hours} hours** before it, with the "
                   "link in the booking confirmation (see [My pages](../mina-sidor/)). After that it can no longer "
                   "be changed or cancelled online; please call us on [{phone}]({tel})."),
        "notice": "You can book at the latest {notice} before the treatment.",
        "prepay_title": "Prepayment",
        "prepay": ("Some treatments are paid in part when you book, by card or, where offered, Klarna or Swish. "
                   "The prepayment is part of the price; you pay the rest at the clinic."),
        "hold_title": "The time is held while you pay",
        "hold": ("When a treatment needs a prepayment we hold the time for you for {minutes} minutes while you pay. "
                 "The booking holds once the payment has come in; if you do not pay within that time, the time "
                 "is released to others."),
        "refund_title": "Refunds",
        "refund": ("If you cancel at least {hours} hours before your appointment you get the whole prepayment back. "
                   "If you cancel later, or do not come without having cancelled, the prepayment is not refunded."),
        "free": "Treatments without a prepayment cost nothing to cancel.",
        "age_title": "Age limit",
        "age": "These treatments are given only to people aged {age} or over, and you confirm your age when booking:",
        "treatment": "Treatment", "price": "Price", "prepayment": "Prepayment",
        "hours_word": "hours", "minutes_word": "minutes", "hour_one": "hour", "minute_one": "minute",
    },
}


def _duration(minutes: int, lang: str) -> str:
    t = TERMS[lang]
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} {t['hour_one'] if hours == 1 else t['hours_word']}"
    return f"{minutes} {t['minute_one'] if minutes == 1 else t['minutes_word']}"


def booking_terms(lang: str, config: Any) -> str:
    """The booking terms, from the clinic file's booking rules and treatments (Bokningsvillkor)."""
    t = TERMS[lang]
    words = WORDS[lang]
    data = clinic.load()
    rules = data.rules
    values = {"hours": rules.change_deadline_hours, "minutes": rules.hold_minutes, "phone": data.phone,
              "tel": _phone_link(data.phone), "notice": _duration(rules.min_notice_minutes, lang)}
    rows = [f"| {t['treatment']} | {t['price']} | {t['prepayment']} |", "|---|---|---|"]
    for service in data.services:
        price = _kronor(service.price_sek, lang) if service.price_sek else words["free"]
        prepay = _kronor(service.prepayment_sek, lang) if service.prepayment_sek else words["none"]
        rows.append(f"| {html.escape(service.name.get(lang))} | {price} | {prepay} |")
    parts = [
        f"## {t['change_title']}", t["change"].format(**values), t["notice"].format(**values),
        f"## {t['prepay_title']}", t["prepay"], "\n".join(rows),
        f"## {t['hold_title']}", t["hold"].format(**values),
        f"## {t['refund_title']}", t["refund"].format(**values) + " " + t["free"],
    ]
    limited: dict[int, list[str]] = {}
    for service in data.services:
        if service.age_limit:
            limited.setdefault(service.age_limit, []).append(service.name.get(lang))
    if limited:
        parts.append(f"## {t['age_title']}")
        for age, names in sorted(limited.items()):
            parts.append(t["age"].format(age=age) + "\n\n" + "\n".join(f"- {html.escape(n)}" for n in names))
    return "\n\n".join(parts)


def staff(lang: str, config: Any) -> str:
    """Who works at the clinic and which treatments each gives (the clinic file's staff and services)."""
    data = clinic.load()
    label, also = {"sv": ("Ger", "och"), "en": ("Gives", "and")}[lang]
    items = []
    for member in data.staff:
        gives = [s.name.get(lang) for s in data.services if member.id in s.staff]
        title = member.title.get(lang)
        if title and lang == "sv":
            title = title[0].lower() + title[1:]  # "Anna Lindqvist, legitimerad sjuksköterska"
        line = f"- **{html.escape(member.name)}**" + (f", {html.escape(title)}" if title else "")
        if gives:
            listed = ", ".join(gives[:-1]) + f" {also} " + gives[-1] if len(gives) > 1 else gives[0]
            line += f". {label}: {html.escape(listed)}."
        items.append(line)
    return "\n".join(items)


def on_config(config: Any) -> Any:
    """The clinic's name, address, phone, e-mail and organisation number for the page footer
    (site/overrides/main.html), from the clinic file."""
    data = clinic.load()
    config["extra"]["clinic"] = {
        "name": data.name, "organisation": data.organisation, "organisation_number": data.organisation_number,
        "address": data.address, "phone": data.phone, "tel": _phone_link(data.phone), "email": data.emails[0],
    }
    return config


def policy_version(lang: str, config: Any) -> str:
    extra = config["extra"]
    return WORDS[lang]["version"].format(version=extra["policy_version"], date=extra["policy_date"])


GENERATORS: dict[str, Callable[[str, Any], str]] = {
    "treatments": treatments,
    "opening_hours": opening_hours,
    "exceptions": exceptions,
    "contact": contact,
    "policy_version": policy_version,
    "booking_treatments": booking_treatments,
    "booking_staff": booking_staff,
    "booking_holidays": booking_holidays,
    "booking_terms": booking_terms,
    "change_deadline_hours": change_deadline_hours,
    "hold_minutes": hold_minutes,
    "phone": phone,
    "phone_international": phone_international,
    "email": email,
    "staff": staff,
}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    lang = "en" if getattr(page.file, "locale", "sv") == "en" else "sv"

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise ValueError(f"{page.file.src_path}: unknown marker allavie:{name}")
        return GENERATORS[name](lang, config)

    return MARKER.sub(replace, markdown)
