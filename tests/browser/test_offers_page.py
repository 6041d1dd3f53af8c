"""The back office's offers (/personal/erbjudanden/) in Chromium against chalice local (its stream pump sends
the outbox's messages and the offer's steps) and the built site under its security headers: the admin writes
an offer, sees how many it reaches, previews it as e-mail and SMS, sends it; the outbox holds the messages;
axe-core finds nothing, on a desktop and at 390x844; the English page too."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalicelib.marketing import optin
from playwright.sync_api import expect
from support import clock as run_clock
from support.axe import axe_violations
from support.back_office import sign_in_as_admin
from support.browser import answer_cookie_banner, console_errors
from support.outbox import Outbox
from support.rights_customers import make_customer

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SUBJECT = "Vårens ansiktsbehandling <b>20 %</b>"
TEXT = "Boka en ansiktsbehandling i april så bjuder vi på en ögonmask.\n\nVarmt välkommen! <script>alert(1)</script>"




@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_the_admin_writes_previews_and_sends_an_offer(page, site_url: str, api_url: str, outbox: Outbox,
                                                       viewport) -> None:
    errors = console_errors(page)
    page.set_viewport_size(viewport)
    size = "desktop" if viewport["width"] > 1000 else "phone"
    now = run_clock.now()
    people = []
    for i, marketing in enumerate(((True, True), (True, False), (False, True), (False, False))):
        made = make_customer(now, name=f"Kund{chr(65 + i)} Sida", email=f"sida{i}@example.se",
                             phone=f"+4670444{i:04d}", marketing=marketing, visits=((-20, "completed"),))
        optin.reconcile(made.id, now)
        people.append(made)

    sign_in_as_admin(page, site_url, outbox)
    page.get_by_role("link", name="Erbjudanden").click()
    expect(page.get_by_role("heading", name="Erbjudanden", level=1)).to_be_visible()
    expect(page.locator("[data-offers] li")).to_have_text("Inga erbjudanden ännu.")
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert axe_violations(page, site_url) == []

    # A bad offer is named field by field, and nothing is saved.
    page.get_by_role("button", name="Spara och förhandsgranska").click()
    expect(page.locator('[data-error-for="subject"]')).to_have_text("Obligatoriskt fält.")

    page.get_by_label("Rubrik (e-postens ämnesrad)").fill("Utkast till våren")
    page.get_by_label("Text", exact=True).fill(TEXT)
    page.get_by_label("Länk till bokning av en behandling (valfritt)").select_option("kemisk-peeling")
    page.get_by_role("button", name="Spara och förhandsgranska").click()
    expect(page.locator('[data-field="mail-subject"]')).to_have_text("Utkast till våren")
    # a second look: the draft back in the form, changed, and previewed again (still one offer)
    page.get_by_role("button", name="Ändra utkastet").click()
    expect(page.get_by_label("Rubrik (e-postens ämnesrad)")).to_have_value("Utkast till våren")
    expect(page.get_by_label("Text", exact=True)).to_have_value(TEXT)
    page.get_by_label("Rubrik (e-postens ämnesrad)").fill(SUBJECT)
    page.get_by_label("Sms", exact=True).check()
    page.get_by_role("button", name="Spara och förhandsgranska").click()
    expect(page.locator("[data-app-status]")).to_have_text("Utkastet är sparat. Granska det nedan innan du skickar.")
    expect(page.locator("[data-offers] li")).to_have_count(1)
    expect(page.locator('[data-field="recipients"]')).to_have_text("2 via e-post, 2 via sms")
    expect(page.locator('[data-field="status"]')).to_have_text("Utkast")
    expect(page.locator('[data-field="mail-subject"]')).to_have_text(SUBJECT)  # as text, never as HTML
    mail_text = page.locator('[data-field="mail-text"]')
    expect(mail_text).to_contain_text("Hej Anna!")
    expect(mail_text).to_contain_text("<script>alert(1)</script>")
    expect(mail_text).to_contain_text("/boka/?behandling=kemisk-peeling")
    expect(page.locator('[data-field="sms-text"]')).to_contain_text("Sluta få sms-erbjudanden:")
    expect(page.locator('[data-field="sms-size"]')).to_contain_text("sms")
    assert page.locator('[data-preview="email"] script, [data-preview="email"] b').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"offers-preview-{size}.png"), full_page=True)
    assert axe_violations(page, site_url) == []

    page.get_by_role("button", name="Skicka …").click()
    expect(page.locator("#offer-send-warning")).to_contain_text("går till 2 kunder via e-post och 2 via sms")
    assert axe_violations(page, site_url) == []
    page.get_by_role("button", name="Ja, skicka").click()
    expect(page.locator("[data-app-status]")).to_have_text("Erbjudandet är skickat.", timeout=45_000)
    expect(page.locator('[data-field="sent"]')).to_have_text("2 via e-post, 2 via sms")
    expect(page.get_by_role("button", name="Skicka …")).to_be_hidden()
    expect(page.locator("[data-offers] li").first).to_contain_text("Skickat")
    page.screenshot(path=str(SHOTS / f"offers-sent-{size}.png"), full_page=True)
    assert axe_violations(page, site_url) == []

    # The outbox holds exactly the messages of those who agreed, each once.
    mails = [m for m in outbox.emails() if str(m["Subject"]) == SUBJECT]
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in mails) == ["sida0@example.se", "sida1@example.se"]
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in mails)
    sms = [s for s in outbox.sms() if "ögonmask" in s]
    assert sorted(s.splitlines()[0] for s in sms) == ["To: +46704440000", "To: +46704440002"]

    page.goto(site_url + "/en/personal/erbjudanden/")
    expect(page.get_by_role("heading", name="Offers", level=1)).to_be_visible()
    expect(page.locator("[data-offers] li").first).to_contain_text("Sent")
    assert axe_violations(page, site_url) == []
    page.screenshot(path=str(SHOTS / f"offers-en-{size}.png"), full_page=True)
    # the one refused request is the empty form sent on purpose above
    assert [e for e in errors if "status of 400" not in e] == [] and len(errors) == 1


def test_without_a_session_the_page_sends_one_to_the_sign_in(page, site_url: str) -> None:
    page.goto(site_url + "/personal/erbjudanden/")
    answer_cookie_banner(page)
    expect(page.get_by_text("Logga in på personalsidan först.")).to_be_visible()
    assert axe_violations(page, site_url) == []
