"""The cookies page is true: what it lists is exactly what the browser holds
after a visitor accepts everything and walks through every page."""

from __future__ import annotations

import pytest
from browser.site_pages import every_page

pytestmark = pytest.mark.browser


def listed(page, url: str) -> set[tuple[str, str]]:
    page.goto(url)
    return {
        (code.get_attribute("data-storage-key"), code.inner_text().strip())
        for code in page.locator("[data-storage-list] [data-storage-key]").all()
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
    # Search is the one interactive part of the theme: use it too.
    page.goto(site_url + "/")
    # Type as a person does: Material's search answers key events; Playwright's fill()
    # sends none, and is only picked up if it lands before the search worker is ready.
    page.get_by_role("textbox", name="Sök").press_sequentially("peeling", delay=20)
    page.locator(".md-search-result__item").first.wait_for()

    seen = held(page)
    assert seen == listed(page, site_url + "/cookies/")
    assert seen == listed(page, site_url + "/en/cookies/")
    assert ("localStorage", "allavie.consent") in seen
    assert not any(kind == "cookie" for kind, _ in seen)  # the pages promise: no cookies
