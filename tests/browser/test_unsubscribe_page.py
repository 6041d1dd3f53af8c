"""The unsubscribe page (GET /unsubscribe?token=, answered by the API) in Chromium, as a person opens it
from an e-mail: in the site's look under its own CSP (the inline stylesheet applies, nothing is blocked or
fetched), Swedish and English, at phone size too, with no axe violations; the button stops the offers."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from support import clock as run_clock

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def unsubscribe_link(api_url: str, outbox, email: str) -> str:
    import datetime as dt

    from support.site import call

    first = run_clock.open_day(2)
    status, free = call(api_url, "GET", f"/availability?service=konsultation&from={first}&to={first + dt.timedelta(days=14)}")
    assert status == 200 and free["slots"]
    status, made = call(api_url, "POST", "/bookings", {
        "service": "konsultation", "start": free["slots"][0]["start"], "name": "Olle Avslutar", "email": email,
        "phone": "070-333 44 55", "marketing": {"email": True, "sms": False}})
    assert status == 201, made
    [mail] = outbox.emails_to(email)
    return next(link for link in outbox.links(mail) if "/unsubscribe?token=" in link)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_unsubscribe_page_in_the_sites_look_both_languages_no_axe_violations(
        browser, table, api_url: str, outbox, viewport, tmp_path) -> None:
    link = unsubscribe_link(api_url, outbox, "olle.avslutar@example.se")
    context = browser.new_context(locale="sv-SE", viewport=viewport)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(link)
    expect(page.get_by_role("heading", name="Avsluta erbjudanden via e-post")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Hudateljén")
    expect(page.get_by_role("contentinfo")).to_contain_text("Allavie AB")
    # the stylesheet applied under the CSP: the site's cream page and rosewood button
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 247, 242)"
    button = page.get_by_role("button", name="Ja, avsluta erbjudanden via e-post")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(122, 62, 52)"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert problems == [] and fetched == [link]  # no CSP refusal, nothing else fetched
    page.screenshot(path=str(tmp_path / "unsubscribe-sv.png"), full_page=True)

    page.get_by_role("link", name="In English").click()
    expect(page.get_by_role("heading", name="Stop offers by e-mail")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    context.close()

    # axe needs its script in the page, which the page's CSP (rightly) refuses: a context that bypasses it
    audit = browser.new_context(locale="sv-SE", viewport=viewport, bypass_csp=True)
    checked = audit.new_page()
    for language in ("sv", "en"):
        checked.goto(f"{link}&lang={language}")
        checked.add_script_tag(path=str(AXE))
        result = checked.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert [v["id"] for v in result["violations"]] == [], (language, result["violations"])
    audit.close()

    # the button stops the offers and says so, in the page's look
    page = browser.new_context(locale="sv-SE", viewport=viewport).new_page()
    page.goto(link)
    page.get_by_role("button", name="Ja, avsluta erbjudanden via e-post").click()
    expect(page.get_by_role("status")).to_have_text("Klart. Du får inga fler erbjudanden från oss via e-post.")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 247, 242)"
    page.screenshot(path=str(tmp_path / "unsubscribe-done.png"), full_page=True)
    page.context.close()
