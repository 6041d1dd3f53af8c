"""Every kind of e-mail, as the outbox holds it, opened in Chromium as a mail
client would show its HTML part: nothing is fetched, the language is set, the
links are there and axe-core finds no violations, in Swedish and in English."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
NASTY = "Eve <img src=https://tracker.example/p.gif> \"&\""
KINDS = ("confirmation", "reschedule", "cancellation", "reminder", "link", "email_change", "receipt", "credit_receipt")


def customer(language: str):
    from chalicelib.store.models import Customer

    return Customer(*Customer.key(f"c-{language}"), customer_id=f"c-{language}", name=NASTY,
                    email=f"eve.{language}@example.se", phone="+46701234567", language=language,
                    link_generation=1, created_at=NOW)


def send_every_kind(language: str, after: Callable[[str], None] = lambda kind: None) -> None:
    """Through the real paths: compose, ``messages.send_email`` (outbox + Message item), ``rights_mail``.
    ``after(kind)`` follows each kind's sending (two stream readers may send queued messages in either order)."""
    from chalicelib import messages
    from chalicelib.booking import mail as booking_mail
    from chalicelib.payments import receipt_mail
    from chalicelib.rights import mail as rights_mail

    person = customer(language)
    start = dt.datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
    facts = booking_mail.BookingFacts(
        booking_id="b1", name=NASTY, language=language, service="Hudkonsultation", staff="Sara Berg",
        start=start, end=start + dt.timedelta(minutes=30), price_sek=895, paid_sek=300,
        note="<script src=https://evil.example/x.js></script>\nTack!",
        manage_url=f"https://hudateljen.example/hantera/#t=TOKEN-{language}&b=b1",
        change_until=start - dt.timedelta(hours=24), sequence=0, marketing_channels=("email", "sms"),
        marketing_url="https://hudateljen.example/utskick/#t=OFFERS&confirm=marketing",
    )
    for kind in KINDS[:4]:
        mail = booking_mail.compose(kind, facts, now=NOW, refund_sek=300 if kind == "cancellation" else None)
        messages.send_email(person, kind, mail.subject, mail.text, mail.html, mail.attachments, now=NOW)
        after(kind)
    rights_mail.send_data_link(person, NOW)
    after("link")
    messages.enqueue(rights_mail.email_confirmation(person, f"new.{language}@example.se", "change1", NOW))
    after("email_change")
    for kind, number, amount, credits in (("receipt", 7, 30000, None), ("credit", 8, -30000, 7)):
        messages.enqueue(receipt_mail.receipt_message(a_receipt(kind, number, amount, credits), person, NOW))
        after("receipt" if kind == "receipt" else "credit_receipt")


def a_receipt(kind: str, number: int, amount_ore: int, credits: int | None):
    from chalicelib.store.models import Receipt

    return Receipt(*Receipt.key("b1", f"x_{number}"), number=number, receipt_type=kind, issued_at=NOW,
                   issued_on="2027-03-01", booking_id="b1", payment_intent_id="pi_1", stripe_object_id=f"x_{number}",
                   service_id="kemisk-peeling", treatment="Kemisk peeling", amount_ore=amount_ore, currency="sek",
                   vat_percent=25, vat_ore=amount_ore // 5, credits_number=credits, seller="Allavie AB",
                   trade_name="Hudateljén", organisation_number="", address="Prästgatan 30, 831 31 Östersund")


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_email_fetches_nothing_has_its_links_and_no_axe_violations(page, outbox, language: str) -> None:
    by_kind: dict[str, EmailMessage] = {}

    def take(kind: str) -> None:
        seen = {m["Message-ID"] for m in by_kind.values()}
        (new,) = [m for m in outbox.emails() if m["Message-ID"] not in seen]
        by_kind[kind] = new

    send_every_kind(language, take)
    assert list(by_kind) == list(KINDS)
    requested: list[str] = []

    def refuse(route) -> None:
        requested.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    found: dict[str, object] = {}
    for kind, mail in by_kind.items():
        page.set_content(html_part(mail), wait_until="load")
        assert page.evaluate("document.documentElement.lang") == language, kind
        # Webmail keeps the body only: the wrapper says the language too.
        assert page.locator('[role="article"]').get_attribute("lang") == language, kind
        assert page.title() == mail["Subject"], kind
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        prefix = "/en" if language == "en" else ""
        if kind == "email_change":  # to an address not confirmed yet: its confirmation link only (issue #12)
            assert [h for h in hrefs if "/mina-uppgifter/#" in h and "confirm=email" not in h] == [], hrefs
            assert not any("/utskick/#t=" in h or "/unsubscribe?token=" in h for h in hrefs), hrefs
        else:
            assert any(f"{prefix}/mina-uppgifter/#t=" in h for h in hrefs), (kind, hrefs)
            assert any(f"{prefix}/utskick/#t=" in h for h in hrefs), (kind, hrefs)
            assert any("/unsubscribe?token=" in h for h in hrefs), (kind, hrefs)
        manage = page.locator('a[href*="/hantera/#t="]')
        if kind in ("confirmation", "reschedule", "reminder"):
            assert manage.count() == 1 and manage.inner_text() in ("Hantera din bokning", "Manage your booking")
            assert manage.evaluate("a => getComputedStyle(a).display") == "inline-block"  # the button
        else:
            assert manage.count() == 0
        # The visitor's words are text, never elements.
        assert page.locator("script, img").count() == 0, kind
        assert NASTY in page.inner_text("body"), kind
        assert page.evaluate("document.body.scrollWidth") <= page.viewport_size["width"], kind
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        if result["violations"]:
            found[kind] = [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
    assert requested == []


def test_the_confirmation_is_one_column_of_at_most_600_px_on_a_phone_too(page, outbox) -> None:
    send_every_kind("sv")
    page.route("**/*", lambda route: route.abort())
    markup = html_part(outbox.emails()[0])
    for width in (800, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.set_content(markup)
        column = page.locator('[role="main"]').locator("xpath=ancestor::table[1]").bounding_box()
        assert column is not None and column["width"] <= 600
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        button = page.get_by_role("link", name="Hantera din bokning").bounding_box()
        assert button is not None and button["height"] >= 40  # a target a thumb can hit
