"""The e-mail that carries a receipt or a credit receipt, in the customer's language.

Every field a Swedish receipt needs is a row of its own: the seller (organisation and trade name),
the organisation number, the address, the receipt number, the date, the treatment, the amount, the
VAT rate and the VAT amount (and, on a credit receipt, the receipt it corrects). The values come from
the stored ``Receipt`` (what was issued), never from the clinic file of the day the mail is built.
An empty organisation number (allowed on test stages only) is said to be missing, not left blank.
"""

from __future__ import annotations

import datetime as dt

from .. import messages
from ..core import clinic as clinic_module
from ..core import i18n
from ..core.clock import local
from ..messages import layout
from ..store.models import Customer, Message, Receipt
from ..store.models.receipts import CREDIT

T = {
    "sv": {
        "receipt.subject": "Kvitto nr {number} från {clinic}", "credit.subject": "Kreditkvitto nr {number} från {clinic}",
        "receipt.heading": "Kvitto", "credit.heading": "Kreditkvitto",
        "hello": "Hej {name}!",
        "receipt.lead": "Tack för din betalning. Här är ditt kvitto.",
        "credit.lead": "Vi har betalat tillbaka pengar till dig. Här är kreditkvittot.",
        "credit.when": "Återbetalningen syns på ditt konto eller kort inom några bankdagar.",
        "seller": "Säljare", "organisation_number": "Organisationsnummer", "address": "Adress",
        "receipt.number": "Kvittonummer", "credit.number": "Kreditkvittonummer", "credits": "Avser kvitto nr",
        "date": "Datum", "treatment": "Behandling", "receipt.amount": "Belopp", "credit.amount": "Återbetalt belopp",
        "excluding": "Belopp utan moms", "vat_rate": "Momssats", "vat": "Moms", "reference": "Betalningsreferens",
        "prepayment": "{treatment} (förskott)",
        "missing": "saknas (inte registrerat ännu)",
        "keep": "Spara kvittot. Frågor om betalningen? Ring oss på {phone}.",
    },
    "en": {
        "receipt.subject": "Receipt no. {number} from {clinic}", "credit.subject": "Credit receipt no. {number} from {clinic}",
        "receipt.heading": "Receipt", "credit.heading": "Credit receipt",
        "hello": "Hello {name},",
        "receipt.lead": "Thank you for your payment. Here is your receipt.",
        "credit.lead": "We have paid money back to you. Here is the credit receipt.",
        "credit.when": "The refund shows on your account or card within a few banking days.",
        "seller": "Seller", "organisation_number": "Company registration number", "address": "Address",
        "receipt.number": "Receipt number", "credit.number": "Credit receipt number", "credits": "Corrects receipt no.",
        "date": "Date", "treatment": "Treatment", "receipt.amount": "Amount", "credit.amount": "Amount refunded",
        "excluding": "Amount excluding VAT", "vat_rate": "VAT rate", "vat": "VAT", "reference": "Payment reference",
        "prepayment": "{treatment} (prepayment)",
        "missing": "missing (not registered yet)",
        "keep": "Keep this receipt. Questions about the payment? Call us on {phone}.",
    },
}


_t = i18n.phrases(T)


def money(amount_ore: int, language: str) -> str:
    """-1 200,00 kr (Swedish) / SEK -1,200.00 (English): öre always shown on a receipt."""
    sign = "\u2212" if amount_ore < 0 else ""
    whole, ore = divmod(abs(int(amount_ore)), 100)
    if language == "en":
        return f"SEK {sign}{whole:,}.{ore:02d}"
    return f"{sign}{whole:,}".replace(",", "\u00a0") + f",{ore:02d}\u00a0kr"


def rows(receipt: Receipt, language: str) -> list[tuple[str, str]]:
    """The receipt's fields as label and value, in the order a receipt prints them."""
    lang = "en" if language == "en" else "sv"
    kind = "credit" if receipt.receipt_type == CREDIT else "receipt"
    service = clinic_module.current().service(receipt.service_id) if receipt.service_id else None
    treatment = service.name.get(lang) if service is not None and lang == "en" else receipt.treatment
    amount, vat = int(receipt.amount_ore), int(receipt.vat_ore)
    issued = local(receipt.issued_at)
    found: list[tuple[str, str]] = [
        (_t(lang, "seller"), f"{receipt.seller} ({receipt.trade_name})"),
        (_t(lang, "organisation_number"), receipt.organisation_number or _t(lang, "missing")),
        (_t(lang, "address"), receipt.address),
        (_t(lang, f"{kind}.number"), str(int(receipt.number))),
    ]
    if receipt.credits_number is not None:
        found.append((_t(lang, "credits"), str(int(receipt.credits_number))))
    found += [
        (_t(lang, "date"), f"{issued:%Y-%m-%d %H:%M}"),
        (_t(lang, "treatment"), _t(lang, "prepayment", treatment=treatment)),
        (_t(lang, f"{kind}.amount"), money(amount, lang)),
        (_t(lang, "excluding"), money(amount - vat, lang)),
        (_t(lang, "vat_rate"), f"{int(receipt.vat_percent)}\u00a0%"),
        (_t(lang, "vat"), money(vat, lang)),
        (_t(lang, "reference"), receipt.payment_intent_id),
    ]
    return found


def receipt_message(receipt: Receipt, customer: Customer, now: dt.datetime) -> Message:
    """The receipt as a queued e-mail to the customer (written with the receipt: ``messages.add``)."""
    about = clinic_module.current()
    lang = "en" if customer.language == "en" else "sv"
    kind = "credit" if receipt.receipt_type == CREDIT else "receipt"
    subject = _t(lang, f"{kind}.subject", number=int(receipt.number), clinic=receipt.trade_name)
    paragraphs = [_t(lang, "hello", name=customer.name), _t(lang, f"{kind}.lead")]
    after = ([_t(lang, "credit.when")] if kind == "credit" else []) + [_t(lang, "keep", phone=about.phone)]
    fields = rows(receipt, lang)
    text = "\n\n".join(paragraphs) + "\n\n" + "\n".join(f"{label}: {value}" for label, value in fields)
    text += "\n\n" + "\n\n".join(after) + "\n"
    html = "".join([layout.heading(f"{_t(lang, f'{kind}.heading')} {int(receipt.number)}"),
                    *map(layout.paragraph, paragraphs), layout.facts(fields), *map(layout.paragraph, after)])
    return messages.email(customer, "credit_receipt" if kind == "credit" else "receipt", subject, text, html,
                          booking_id=receipt.booking_id, now=now)
