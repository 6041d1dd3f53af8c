"""The cookies page is true: what it lists is exactly what the browser holds
after a visitor accepts everything and walks through every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser.booking_steps import choose_first_time, choose_treatment
from browser.site_pages import every_page

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def listed(page, url: str, who: str = "visitor") -> set[tuple[str, str]]:
    """The keys the cookie page lists for visitors (or, ``who="staff"``, for the clinic's staff only)."""
    page.goto(url)
    return {
        (code.get_attribute("data-storage-key"), code.inner_text().strip())
        for code in page.locator("[data-storage-list] [data-storage-key]").all()
        if (code.get_attribute("data-storage-who") or "visitor") == who
    }


def held(page) -> set[tuple[str, str]]:
    keys = page.evaluate("""() => ({
        localStorage: Object.keys(localStorage),
        sessionStorage: Object.keys(sessionStorage),
    })""")
    found = {(kind, key) for kind, names in keys.items() for key in names}
    found |= {("cookie", cookie["name"]) for cookie in page.context.cookies()}
    return found


def test_the_cookie_page_lists_exactly_what_the_browser_stores(page, site_url: str) -> None:
    page.goto(site_url + "/")
    with page.expect_response(lambda r: r.url.endswith("/consent")):
        page.get_by_role("button", name="Godkänn alla", exact=True).click()
    for path in every_page(site_url):
        page.goto(site_url + path)
    # The booking page is the interactive part that stores something: book with "Kom ihåg mina
    # uppgifter" ticked (the site has no search any more, which was the theme's interactive part).
    page.goto(site_url + "/boka/")
    choose_treatment(page, "konsultation")
    choose_first_time(page)
    page.get_by_label("Namn *").fill("Kaka Kontroll")
    page.get_by_label("E-post *").fill("kaka@example.se")
    page.get_by_label("Mobilnummer *").fill("070-123 45 67")
    page.get_by_label("Kom ihåg mina uppgifter").check()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    assert page.evaluate("JSON.parse(localStorage.getItem('allavie.details'))") == {
        "name": "Kaka Kontroll", "email": "kaka@example.se", "phone": "070-123 45 67"}

    seen = held(page)
    assert seen == listed(page, site_url + "/cookies/")
    assert seen == listed(page, site_url + "/en/cookies/")
    assert ("localStorage", "allavie.consent") in seen and ("sessionStorage", "allavie.booking") in seen
    assert not any(kind == "cookie" for kind, _ in seen)  # the pages promise: no cookies


def test_the_cookie_page_lists_what_the_staff_pages_store(page, site_url: str) -> None:
    """The back office keeps its session in sessionStorage (lib/staff.js): the page lists that key, for staff only."""
    script = (ROOT / "site" / "assets" / "js" / "lib" / "staff.js").read_text(encoding="utf-8")
    keys = set(re.findall(r'export const SESSION_KEY = "([^"]+)"', script))
    stored = {("sessionStorage", key) for key in keys} if "writeText(sessionStorage, SESSION_KEY" in script else set()
    assert stored and stored == listed(page, site_url + "/cookies/", who="staff")
    assert stored == listed(page, site_url + "/en/cookies/", who="staff")
