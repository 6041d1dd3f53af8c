"""A customer's rights in Chromium, against the real API (chalice local) and the
built site under its security headers: a new link by e-mail, the data page from
that link, SMS offers off, the registerutdrag downloaded, and erasure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.axe import axe_violations
from support.outbox import Outbox
from support.site import EMAIL, book, call, fragment_token, on_site

ROOT = Path(__file__).resolve().parents[2]













def newest_link(outbox: Outbox, marker: str) -> str:
    mail = outbox.emails_to(EMAIL)[-1]
    return next(link for link in outbox.links(mail) if marker in link)


@pytest.mark.browser
def test_new_link_preferences_export_and_erasure(page, site_url: str, api_url: str, outbox: Outbox, tmp_path) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    book(api_url)
    # The ticks on the booking form are a request: the confirmation's link grants them (double opt-in).
    assert call(api_url, "GET", "/me", token=fragment_token(newest_link(outbox, "/mina-uppgifter/#t=")))[1][
        "marketing"] == {"email": False, "sms": False}
    page.goto(on_site(newest_link(outbox, "confirm=marketing"), site_url))
    confirm = page.get_by_role("button", name="Ja, jag vill ha erbjudanden")
    confirm.wait_for()
    # Opening the link (as a mail scanner does) confirms nothing; the click does.
    assert call(api_url, "GET", "/me", token=fragment_token(newest_link(outbox, "/mina-uppgifter/#t=")))[1][
        "marketing"] == {"email": False, "sms": False}
    confirm.click()
    page.wait_for_selector('[data-message="offers-confirmed"]:not([hidden])')
    assert page.is_checked('input[name="sms"]') and page.is_checked('input[name="email"]')
    assert "confirm=marketing" not in page.url  # the page goes on with the data token it got
    mails_before = len(outbox.emails_to(EMAIL))

    # "Ny länk": ask for a link; the page says the same whatever the address
    page.goto(site_url + "/ny-lank/")
    page.click('[data-allavie-consent-action="reject"]')  # the cookie banner answered, as a visitor would
    page.fill("#rights-link-email", EMAIL.upper())
    page.click("text=Skicka länk")
    page.wait_for_selector('[data-message="sent"]:not([hidden])')
    assert len(outbox.emails_to(EMAIL)) == mails_before + 1

    # The data page from the e-mail's link
    data_link = on_site(newest_link(outbox, "/mina-uppgifter/#t="), site_url)
    page.goto(data_link)
    page.wait_for_selector('[data-state="ready"]:not([hidden])')
    assert page.text_content('[data-field="name"]') == "Karin Webbläsare"
    assert page.text_content('[data-field="phone"]') == "070-111 22 33"  # as people write it (phone_display)
    assert page.text_content('[data-field="marketing-sms"]') == "Ja"
    assert page.locator("[data-bookings] tbody tr").count() == 1
    assert "Hudkonsultation" in page.text_content("[data-bookings] tbody")
    assert axe_violations(page, site_url) == []

    # "Utskick": SMS offers off
    page.click("text=Välj vilka utskick du vill ha")
    page.wait_for_selector('[data-rights-page="preferences"] [data-state="ready"]:not([hidden])')
    assert page.is_checked('input[name="sms"]') and page.is_checked('input[name="email"]')
    page.uncheck('input[name="sms"]')
    # The button by its role: "text=Spara" also finds the cookie banner's "sparas", first in the page now.
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_selector('[data-message="saved"]:not([hidden])')
    token = page.evaluate("async () => (await import('/assets/js/lib/api.js')).linkToken()")
    status, me = call(api_url, "GET", "/me", token=token)
    assert status == 200 and me["marketing"] == {"email": True, "sms": False}

    # Back to "Mina uppgifter": download the registerutdrag
    page.click("text=Mina uppgifter >> nth=-1")
    page.wait_for_selector('[data-rights-page="data"] [data-state="ready"]:not([hidden])')
    assert page.text_content('[data-field="marketing-sms"]') == "Nej"
    with page.expect_download() as waiting:
        page.click("text=Ladda ner (JSON)")
    download = waiting.value
    assert download.suggested_filename.startswith("registerutdrag-") and download.suggested_filename.endswith(".json")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert document["customer"]["email"] == EMAIL and document["customer"]["marketing_sms"] is False
    assert document["bookings"][0]["note"] == "<img src=x onerror=alert(1)>"
    consents = {(c["channel"], c["granted"], c["source"]) for c in document["marketing_consents"]}
    assert ("sms", False, "preferences_page") in consents
    assert {m["recipient"] for m in document["messages"]} == {EMAIL}

    # Erase, with a confirmation step
    page.click("text=Radera mina uppgifter …")
    page.wait_for_selector('[data-step="erase-confirm"]:not([hidden])')
    page.click("text=Ja, radera allt")
    page.wait_for_selector('[data-state="erased"]:not([hidden])')
    assert page.evaluate("document.activeElement.tagName") == "H2"  # focus moves to the outcome
    assert page.locator('[data-list="erased"] li').count() >= 3
    assert page.locator('[data-list="kept"] li').count() >= 1
    assert "#t=" not in page.url  # the dead token is out of the address bar
    assert call(api_url, "GET", "/me", token=token)[0] == 401
    assert not outbox.emails_to(EMAIL)  # the outbox copies are gone too

    # The old link now says so, and points to a new one
    page.goto("about:blank")
    page.goto(data_link)
    page.wait_for_selector('[data-state="expired"]:not([hidden])')
    assert page.get_attribute('[data-state="expired"] a', "href") == "../ny-lank/"
    assert errors == [] or all("401" in e for e in errors), errors


@pytest.mark.browser
def test_a_new_address_is_confirmed_from_its_own_link(page, site_url: str, api_url: str, outbox: Outbox) -> None:
    book(api_url)
    data_link = on_site(newest_link(outbox, "/mina-uppgifter/#t="), site_url)
    page.goto(data_link)
    page.click('[data-allavie-consent-action="reject"]')
    page.wait_for_selector('[data-state="ready"]:not([hidden])')
    page.fill("#rights-phone", "12")
    page.click("text=Spara ändringar")
    page.wait_for_selector('[data-error-for="phone"]:text("Ogiltigt telefonnummer.")')
    page.fill("#rights-phone", "070-111 22 33")
    page.fill("#rights-email", "karin.ny@example.se")
    page.click("text=Spara ändringar")
    page.wait_for_selector('[data-message="confirm-sent"]:not([hidden])')
    assert page.text_content('[data-field="email"]') == EMAIL  # not until confirmed
    assert page.text_content('[data-field="pending_email"]') == "karin.ny@example.se"

    confirm = outbox.emails_to("karin.ny@example.se")[-1]
    confirm_link = on_site(next(link for link in outbox.links(confirm) if "confirm=email" in link), site_url)
    page.goto("about:blank")
    page.goto(confirm_link)
    # Opening the link (as a mail scanner that runs scripts would) changes nothing: only the button confirms.
    button = page.get_by_role("button", name="Ja, använd den här adressen")
    button.wait_for()
    page.wait_for_timeout(500)
    before = data_link.split("#t=")[1]
    assert call(api_url, "GET", "/me", token=before)[1]["customer"]["email"] == EMAIL
    button.click()
    page.wait_for_selector('[data-message="email-confirmed"]:not([hidden])')
    assert page.text_content('[data-field="email"]') == "karin.ny@example.se"
    assert "confirm=email" not in page.url
    fresh = page.evaluate("async () => (await import('/assets/js/lib/api.js')).linkToken()")
    assert call(api_url, "GET", "/me", token=fresh)[1]["customer"]["email"] == "karin.ny@example.se"
    old = data_link.split("#t=")[1]
    assert call(api_url, "GET", "/me", token=old)[0] == 401
