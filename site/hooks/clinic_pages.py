"""Pages that show the clinic's own data (functions/chalicelib/clinic.yml) and
the notice's version (mkdocs.yml extra.policy_version), without a copy of either.

A page writes a marker ``<!-- allavie:NAME -->`` where the generated Markdown goes;
an unknown marker fails the build, so a typo never ships as an empty section.
"""

from __future__ import annotations

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
    },
    "en": {
        "treatment": "Treatment", "duration": "Duration", "price": "Price", "prepay": "Prepaid when booking",
        "minutes": "min", "free": "Free", "none": "–", "age": "From age {age}.",
        "closed": "Closed", "day": "Day", "hours": "Open", "exceptions": "Changed opening hours",
        "version": "Version {version}, in force from {date}.",
    },
}


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
    # The name needs no "Treatment" above it when stacked: the bold name says what it is.
    labels = [""] + [f' data-label="{html.escape(h, quote=True)}"' for h in heads[1:]]
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
        cells = [f"<strong>{html.escape(service.name.get(lang))}</strong><br>{html.escape(about)}",
                 f"{service.duration_minutes}\u00a0{words['minutes']}", price, prepay]
        rows.append("<tr>" + "".join(f"<td{label}>{cell}</td>" for label, cell in zip(labels, cells, strict=True))
                    + "</tr>")
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
    return ('<div class="allavie-table">\n<table>\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
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
    words = WORDS[lang]
    lines = []
    for day, hours in sorted(clinic.load().exceptions.items()):
        text = f"{hours.opens:%H:%M}–{hours.closes:%H:%M}" if hours else words["closed"]
        lines.append(f"- {day.isoformat()}: {text}")
    return "\n".join(lines)


def contact(lang: str, config: Any) -> str:
    data = clinic.load()
    emails = " / ".join(f"[{e}](mailto:{e})" for e in data.emails)
    phone_link = "+46" + data.phone.replace("-", "").lstrip("0")
    label = {"sv": ("Adress", "E-post", "Telefon"), "en": ("Address", "E-mail", "Phone")}[lang]
    return (
        f"**{data.organisation} / {data.name}**  \n"
        f"{label[0]}: {data.address}  \n"
        f"{label[1]}: {emails}  \n"
        f"{label[2]}: [{data.phone}](tel:{phone_link})"
    )


def policy_version(lang: str, config: Any) -> str:
    extra = config["extra"]
    return WORDS[lang]["version"].format(version=extra["policy_version"], date=extra["policy_date"])


GENERATORS: dict[str, Callable[[str, Any], str]] = {
    "treatments": treatments,
    "opening_hours": opening_hours,
    "exceptions": exceptions,
    "contact": contact,
    "policy_version": policy_version,
}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    lang = "en" if getattr(page.file, "locale", "sv") == "en" else "sv"

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise ValueError(f"{page.file.src_path}: unknown marker allavie:{name}")
        return GENERATORS[name](lang, config)

    return MARKER.sub(replace, markdown)
