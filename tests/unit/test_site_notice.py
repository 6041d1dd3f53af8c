"""The Swedish privacy notice keeps every fact of the notice the clinic gave us
(FACTS, word for word), with the facts that have changed since corrected:
complaints go to IMY, not Datainspektionen."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[2] / "site"

FACTS = [
    # controller and contacts
    "Allavie AB / Hudateljén",
    "info@allavieclinic.com",
    "hudateljén@allavieclinic.com",
    "063-512545",
    # the purpose and each processing
    "Inloggning på Internetbokning, tidbokning, köp, marknadsföring, kundservice, rättslig förpliktelse"
    " samt hantering av förmåner och erbjudanden.",
    "Mottagande av bokningar, om- och avbokningar.",
    "Utskick av kommunikation kring bokningen.",
    "Ev. leveranser (inklusive avisering och kontakter rörande leveransen).",
    "Ev. Identifikation och ålderskontroll.",
    "Betalningar (inklusive ev. kreditupplysning).",
    "Ev. adresskontroll.",
    "Hantering av reklamations- och garantiärenden.",
    "Uppfyllande av lagkrav, domslut eller myndighetsbeslut (t.ex. bokföringslagen, penningtvättslagen eller regler om"
    " produktansvar och säkerhet, vilka kan kräva kommunikation och information om produktlarm och produktåterkallelser).",
    "Skapandet av personliga och generella erbjudanden, anpassade nyheter, produktrekommendationer, inspiration och förmåner.",
    # categories of data
    "Namn",
    "Kontaktuppgifter (adress, e-post och telefon-nummer)",
    "Ev. bilder/foton och anteckningar du själv väljer att lämna.",
    "Boknings- och köpinformation",
    # legal basis and retention
    "Fullgörande av tjänste-/köpeavtalet samt berättigat intresse.",
    "36 månader efter senaste besök",
    "bokföringslagen (7 kap. 2 §)",
    # processors
    "Transporter (logistikföretag och speditörer).",
    "Betallösningar (kortinlösande företag, banker och andra betaltjänstleverantörer).",
    "Marknadsföring (print och distribution, sociala medier, mediebyråer eller reklambyråer).",
    "IT-tjänster (företag som hanterar nödvändig drift, teknisk support och underhåll av våra IT-lösningar).",
    # rights
    "Rätt till tillgång (s.k. registerutdrag).",
    "Rätt till rättelse.",
    "Rätt till radering.",
    "Rätt att styra utskick",
    # cookies, security, contact and complaints (as they are today)
    "övergripande analytisk information",
    "Hur skyddas dina personuppgifter?",
    "Integritetsskyddsmyndigheten",
    "imy@imy.se",
]


def text_of(markdown: str) -> str:
    """The notice as a reader sees it: no tags, no Markdown links or emphasis, one space."""
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "")
    return re.sub(r"\s+", " ", html.unescape(text))


NOTICE = text_of((SITE / "integritetspolicy.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fact", FACTS)
def test_the_swedish_notice_keeps_every_fact(fact: str) -> None:
    assert fact in NOTICE


def test_complaints_go_to_imy_not_the_old_authority_address() -> None:
    assert "datainspektionen@datainspektionen.se" not in NOTICE
    assert "till Integritetsskyddsmyndigheten" in NOTICE


def test_the_notice_shows_its_version_and_date() -> None:
    assert "<!-- allavie:policy_version -->" in (SITE / "integritetspolicy.md").read_text(encoding="utf-8")
    assert "<!-- allavie:policy_version -->" in (SITE / "integritetspolicy.en.md").read_text(encoding="utf-8")


def test_the_english_notice_has_the_same_sections_and_contacts() -> None:
    english = text_of((SITE / "integritetspolicy.en.md").read_text(encoding="utf-8"))
    for fact in ("Allavie AB / Hudateljén", "info@allavieclinic.com", "hudateljén@allavieclinic.com", "063-512545",
                 "36 months after your last visit", "imy@imy.se", "Right of access", "Right to rectification",
                 "Right to erasure", "Transport", "Payment solutions", "Marketing", "IT services"):
        assert fact in english
    count = lambda md: len(re.findall(r"^#{2,3} ", md, re.M))  # noqa: E731
    assert count((SITE / "integritetspolicy.md").read_text()) == count((SITE / "integritetspolicy.en.md").read_text())


INJECTION_FACTS = {  # lag (2021:363) and patientdatalagen (2008:355): what the notice says to injection patients
    "integritetspolicy.md": [
        "### Om du får en injektionsbehandling", "patientdatalagen (2008:355)", "patientjournalsystem",
        "minst tio år efter den senaste anteckningen", "raderas inte på begäran", "Klagomål på vården lämnar du till IVO",
        "Integritetsskyddsmyndigheten (IMY)", "Bokningssystemet** sparar bara bokningen",
        "följer bokningsuppgifternas lagringsperiod", "- Patientjournalsystem (",
    ],
    "integritetspolicy.en.md": [
        "### If you have an injection treatment", "patientdatalagen 2008:355", "patient record system",
        "at least ten years after the last entry", "not erased on request", "Complaints about the care go to IVO",
        "(IMY)", "booking system** keeps only the booking", "follow the retention of the booking data",
        "- Patient record system (",
    ],
}


@pytest.mark.parametrize("page", sorted(INJECTION_FACTS))
def test_the_notice_tells_injection_patients_which_record_is_kept_where_and_how_long(page: str) -> None:
    markdown = (SITE / page).read_text(encoding="utf-8")
    for fact in INJECTION_FACTS[page]:
        assert fact in markdown, fact
    assert "botulinum" not in markdown.lower()
