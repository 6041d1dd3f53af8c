"""The e-mails of lag (2021:363): the written information after a consultation is booked, and the
notice that a treatment can no longer be given as booked after its consultation was cancelled or moved.

The information's points are the clinic file's (``information`` of each treatment the consultation
serves, and ``injections.information``), in the customer's language; this module adds only what the
law itself says (betänketid, age, licensed staff, the patient record). Every block escapes what it is
given (``messages.layout``). These e-mails go to one customer about their own care: they may name the
substances used, which public texts may not.
"""

from __future__ import annotations

import datetime as dt

from .. import messages
from ..core import clinic as clinic_module
from ..core import i18n, settings
from ..core.clinic import Clinic, Service
from ..core.clinic.injections import CLINIC_POINTS, TREATMENT_POINTS
from ..messages import layout
from ..messages.dates import MONTHS, WEEKDAYS, when
from ..store.models import Booking, Customer, Message
from .mail import Mail
from .notify import manage_url
from .regulated import BETANKETID_DAYS

# The texts say "two days": BETANKETID_DAYS is the law's, not a setting.
POINTS = {
    "sv": {
        "alternatives": "Alternativ till behandlingen", "cost": "Kostnad",
        "course_and_result": "Förväntat förlopp och resultat", "renewal": "Behov av förnyad behandling",
        "substances": "Preparat som används", "risks": "Väsentliga risker", "aftercare": "Eftervård",
        "patient_insurance": "Patientförsäkring", "complications_contact": "Kontaktperson vid komplikationer",
        "ivo_registration": "Anmäld till IVO",
    },
    "en": {
        "alternatives": "Alternatives to the treatment", "cost": "Cost",
        "course_and_result": "Expected course and result", "renewal": "Need for renewed treatment",
        "substances": "Substances used", "risks": "Material risks", "aftercare": "Aftercare",
        "patient_insurance": "Patient insurance", "complications_contact": "Contact person for complications",
        "ivo_registration": "Registered with IVO",
    },
}

T = {
    "sv": {
        "hello": "Hej {name}!",
        "info.subject": "Skriftlig information inför din behandling",
        "info.heading": "Information inför injektionsbehandling",
        "info.lead": "Du har bokat {consultation} {when}. Enligt lagen om estetiska injektionsbehandlingar "
                     "(2021:363) får du här skriftlig information om behandlingen; vi går igenom den muntligt "
                     "vid konsultationen, och du kan ställa dina frågor då.",
        "info.betanketid": "Betänketid: efter konsultationen har du minst två dagars betänketid. Behandlingen kan "
                           "tidigast ges {earliest}, och du ger ditt samtycke först efter betänketiden.",
        "info.age": "Ålder: behandlingen ges bara till den som har fyllt 18 år. Ta med giltig legitimation; vi "
                    "kontrollerar din ålder mot den.",
        "info.staff": "Behandlingen ges av legitimerad sjuksköterska, läkare eller tandläkare, aldrig av någon annan.",
        "info.repeat": "Upprepar du samma typ av behandling inom sex månader behövs ingen ny betänketid.",
        "info.treatment": "Om {treatment}",
        "info.clinic": "Om oss",
        "info.records": "Patientjournal: vi för journal över behandlingen enligt patientdatalagen (2008:355) i vårt "
                        "journalsystem. Den sparas i minst tio år efter sista anteckningen och raderas inte på "
                        "begäran. Mer om dina uppgifter står i vår integritetspolicy: {policy}",
        "manage": "Ändra eller avboka konsultationen", "price": "{amount} kr.",
        "prepay": "{amount} kr, varav {prepay} kr betalas vid bokning.",
        "flag.subject": "Viktigt om din bokning: {service} {when}",
        "flag.heading": "Din behandling kan inte ges som den är bokad",
        "flag.lead": "Din konsultation inför {service} har avbokats eller flyttats. Enligt lag (2021:363) måste det "
                     "gå minst två kalenderdagar mellan konsultationen och behandlingen, så behandlingen {when} "
                     "kan inte ges som den är bokad nu.",
        "flag.book": "Boka en ny konsultation senast {latest}, så kan behandlingen ges på den bokade tiden:",
        "flag.book.link": "Boka konsultation", "flag.move": "Eller flytta eller avboka behandlingen:",
        "flag.move.only": "Det hinner inte bli två dagar före den bokade tiden. Flytta eller avboka behandlingen:",
        "flag.manage.link": "Hantera din bokning", "flag.call": "Frågor? Ring oss på {phone}.",
    },
    "en": {
        "hello": "Hello {name},",
        "info.subject": "Written information before your treatment",
        "info.heading": "Information before an injection treatment",
        "info.lead": "You have booked {consultation} on {when}. Under the Swedish act on aesthetic injection "
                     "treatments (lag 2021:363) you get written information about the treatment here; we go "
                     "through it with you at the consultation, where you can ask your questions.",
        "info.betanketid": "Time to reflect: after the consultation you have at least two days to think it over "
                           "(betänketid). The treatment can be given on {earliest} at the earliest, and you give "
                           "your consent only after that time.",
        "info.age": "Age: the treatment is given only to people aged 18 or older. Bring valid ID; we check your "
                    "age against it.",
        "info.staff": "The treatment is given by a licensed nurse, physician or dentist, never by anybody else.",
        "info.repeat": "If you repeat the same kind of treatment within six months, no new time to reflect is needed.",
        "info.treatment": "About {treatment}",
        "info.clinic": "About us",
        "info.records": "Patient record: we keep a record of the treatment under the Patient Data Act "
                        "(patientdatalagen 2008:355) in our patient record system. It is kept for at least ten "
                        "years after the last entry and is not erased on request. More about your data is in "
                        "our privacy notice: {policy}",
        "manage": "Change or cancel the consultation", "price": "SEK {amount}.",
        "prepay": "SEK {amount}, of which SEK {prepay} is paid when booking.",
        "flag.subject": "Important about your booking: {service} {when}",
        "flag.heading": "Your treatment cannot be given as booked",
        "flag.lead": "Your consultation before {service} has been cancelled or moved. Under Swedish law "
                     "(lag 2021:363) at least two calendar days must pass between the consultation and the "
                     "treatment, so the treatment on {when} cannot be given as it is booked now.",
        "flag.book": "Book a new consultation on {latest} at the latest, and the treatment can be given at the "
                     "booked time:",
        "flag.book.link": "Book a consultation", "flag.move": "Or move or cancel the treatment:",
        "flag.move.only": "There is no longer time for two days before the booked time. Move or cancel the treatment:",
        "flag.manage.link": "Manage your booking", "flag.call": "Questions? Call us on {phone}.",
    },
}



_t = i18n.phrases(T)


def day_text(day: dt.date, lang: str) -> str:
    """``onsdag 31 mars 2027`` / ``Wednesday 31 March 2027``."""
    return f"{WEEKDAYS[lang][day.weekday()]} {day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def served_by(clinic: Clinic, consultation_id: str) -> list[Service]:
    """The regulated treatments a consultation serves, in the clinic file's order."""
    return [s for s in clinic.services if s.regulated and s.requires == consultation_id]


def _price(service: Service, lang: str) -> str:
    """The price from the clinic file, as the price list says it (1 200 kr / SEK 1,200)."""
    def grouped(amount: int) -> str:
        return f"{amount:,}".replace(",", "\u00a0") if lang == "sv" else f"{amount:,}"

    if service.prepayment_sek:
        return _t(lang, "prepay", amount=grouped(service.price_sek), prepay=grouped(service.prepayment_sek))
    return _t(lang, "price", amount=grouped(service.price_sek))


def _site(lang: str, path: str) -> str:
    return f"{settings.get().site_url}{'/en' if lang == 'en' else ''}/{path}"


def compose_information(clinic: Clinic, consultation: Service, start: dt.datetime, name: str, language: str,
                        manage: str | None) -> Mail:
    """The written information (lag 2021:363): every point of each treatment the consultation serves,
    the clinic's points, and the law's own rules. Pure."""
    lang = "en" if language == "en" else "sv"
    earliest = start.astimezone(clinic.tz).date() + dt.timedelta(days=BETANKETID_DAYS)
    lead = _t(lang, "info.lead", consultation=consultation.name.get(lang), when=when(start, None, lang))
    rules = [_t(lang, "info.betanketid", earliest=day_text(earliest, lang)),
             _t(lang, "info.age"), _t(lang, "info.staff"), _t(lang, "info.repeat")]
    hello = _t(lang, "hello", name=name)
    text = [hello, "", lead, ""] + [f"- {rule}" for rule in rules]
    markup = [layout.heading(_t(lang, "info.heading")), layout.paragraph(hello), layout.paragraph(lead)]
    markup += [layout.paragraph(rule) for rule in rules]
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for treatment in served_by(clinic, consultation.id):
        rows = [(POINTS[lang][p], treatment.information[p].get(lang)) for p in TREATMENT_POINTS]
        rows[TREATMENT_POINTS.index("cost")] = (POINTS[lang]["cost"],
                                                 f"{_price(treatment, lang)} {treatment.information['cost'].get(lang)}")
        sections.append((_t(lang, "info.treatment", treatment=treatment.name.get(lang)), rows))
    if clinic.injections is not None:
        sections.append((_t(lang, "info.clinic"),
                         [(POINTS[lang][p], clinic.injections.information[p].get(lang)) for p in CLINIC_POINTS]))
    for title, rows in sections:
        text += ["", title, ""]
        text += [f"{label}: {value}" for label, value in rows]
        markup += [layout.paragraph(title), layout.facts(rows)]
    records = _t(lang, "info.records", policy=_site(lang, "integritetspolicy/"))
    text += ["", records]
    markup.append(layout.paragraph(records))
    if manage:
        text += ["", f"{_t(lang, 'manage')}: {manage}"]
        markup.append(layout.button(manage, _t(lang, "manage")))
    return Mail(_t(lang, "info.subject"), "\n".join(text) + "\n", "\n".join(markup), ())


def information_mail(booking: Booking, customer: Customer, now: dt.datetime, clinic: Clinic | None = None) -> Message:
    """The written information after a consultation was booked, as a queued Message (purpose ``information``)
    for the transaction that confirms the consultation."""
    clinic = clinic or clinic_module.current()
    consultation = clinic.service(booking.service_id)
    assert consultation is not None
    lang = customer.language or booking.language
    mail = compose_information(clinic, consultation, booking.start, customer.name, lang,
                               manage_url(booking, customer) if booking.start > now else None)
    return messages.email(customer, "information", mail.subject, mail.text, mail.html, booking_id=booking.booking_id,
                          now=now)


def compose_flagged(clinic: Clinic, service: Service, start: dt.datetime, end: dt.datetime, name: str,
                    language: str, manage: str | None, today: dt.date) -> Mail:
    """What a customer is told when their treatment lost its consultation: what to do, by when. Pure."""
    lang = "en" if language == "en" else "sv"
    moment = when(start, end, lang)
    latest = start.astimezone(clinic.tz).date() - dt.timedelta(days=BETANKETID_DAYS)
    hello = _t(lang, "hello", name=name)
    lead = _t(lang, "flag.lead", service=service.name.get(lang), when=moment)
    text = [hello, "", lead, ""]
    markup = [layout.heading(_t(lang, "flag.heading")), layout.paragraph(hello), layout.paragraph(lead)]
    if latest >= today and service.requires:
        book = _t(lang, "flag.book", latest=day_text(latest, lang))
        url = _site(lang, f"boka/?behandling={service.requires}")
        text += [book, url, "", _t(lang, "flag.move")]
        markup += [layout.paragraph(book), layout.button(url, _t(lang, "flag.book.link")),
                   layout.paragraph(_t(lang, "flag.move"))]
    else:
        text.append(_t(lang, "flag.move.only"))
        markup.append(layout.paragraph(_t(lang, "flag.move.only")))
    if manage:
        text.append(manage)
        markup.append(layout.link(manage, _t(lang, "flag.manage.link")))
    call = _t(lang, "flag.call", phone=clinic.phone)
    text += ["", call]
    markup.append(layout.paragraph(call))
    subject = _t(lang, "flag.subject", service=service.name.get(lang), when=when(start, None, lang))
    return Mail(subject, "\n".join(text) + "\n", "\n".join(markup), ())


def flagged_mail(booking: Booking, customer: Customer, now: dt.datetime, clinic: Clinic | None = None) -> Message:
    """What a customer is told when their treatment is flagged, as a queued Message (purpose
    ``consultation_required``) for the transaction that flags it."""
    clinic = clinic or clinic_module.current()
    service = clinic.service(booking.service_id)
    assert service is not None
    lang = customer.language or booking.language
    mail = compose_flagged(clinic, service, booking.start, booking.end, customer.name, lang,
                           manage_url(booking, customer), now.astimezone(clinic.tz).date())
    return messages.email(customer, "consultation_required", mail.subject, mail.text, mail.html,
                          booking_id=booking.booking_id, now=now)
