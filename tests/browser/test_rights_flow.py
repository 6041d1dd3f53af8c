"""A customer's rights in Chromium, against the real API (chalice local) and the
built site under its security headers: a new link by e-mail, the data page from
that link, SMS offers off, the registerutdrag downloaded, and erasure."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from support.outbox import Outbox

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

EMAIL = "karin.browser@example.se"


def call(api_url: str, method: str, path: str, data: object = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(api_url + path, data=raw, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def book(api_url: str) -> dict:
    """A real booking through the API, at the first free time from the day after tomorrow."""
    first = dt.date.today() + dt.timedelta(days=2)
    status, free = call(api_url, "GET", f"/availability?service=konsultation&from={first}&to={first + dt.timedelta(days=14)}")
    assert status == 200 and free["slots"], free
    status, made = call(api_url, "POST", "/bookings", {
        "service": "konsultation", "start": free["slots"][0]["start"], "name": "Karin Webbläsare", "email": EMAIL,
        "phone": "070-111 22 33", "note": "<img src=x onerror=alert(1)>", "marketing": {"email": True, "sms": True},
    })
    assert status == 201, made
    return made


def on_site(link: str, site_url: str) -> str:
    """The e-mail's link on the site under test (chalice local was started before the site had a port)."""
    parts = urlsplit(link)
    return f"{site_url}{parts.path}#{parts.fragment}"


def axe_violations(page, site_url: str) -> list[dict]:
    """axe-core on the page as it is now (served from the site's origin, so the CSP stays on)."""
    page.route(f"{site_url}/__axe.js", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    page.add_script_tag(url="/__axe.js")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


def fragment_token(link: str) -> str:
    return dict(parse_qsl(urlsplit(link).fragment))["t"]


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
