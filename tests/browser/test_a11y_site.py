"""axe-core finds no violations on any page of the site, Swedish and English,
with the cookie banner open (first visit) and closed (after a choice), on a
phone (390x844) and on a desktop (1280x800); and on each step of the booking."""

from __future__ import annotations

import json

import pytest
from support.axe import AXE, AXE_PATH, run_axe
from support.site_pages import every_page

pytestmark = pytest.mark.browser





@pytest.fixture()
def audited(page, site_url: str):
    page.route(f"{site_url}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    return page


def test_the_sitemap_lists_the_site_pages_in_both_languages(site_url: str) -> None:
    pages = every_page(site_url)
    for path in ("/", "/behandlingar/", "/kontakt/", "/integritetspolicy/", "/cookies/"):
        assert path in pages and "/en" + path in pages


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
def test_no_axe_violations_on_any_page_with_the_banner_open_then_closed(audited, site_url: str, viewport) -> None:
    page = audited
    page.set_viewport_size(viewport)
    found: dict[str, list[dict]] = {}
    for path in every_page(site_url):
        page.evaluate("localStorage.clear()") if page.url.startswith(site_url) else None
        page.goto(site_url + path)
        page.locator("[data-allavie-consent]").wait_for(state="visible")
        if violations := run_axe(page):
            found[path + " (banner open)"] = violations
        # Close it the way a visitor does; the choice then holds on the next page.
        # Wait for the proof to reach the API: the banner marks it sent in localStorage
        # afterwards, which would otherwise race the clear() before the next page.
        with page.expect_response(lambda answer: answer.url.endswith("/consent")):
            page.get_by_role("button", name="Avvisa alla" if not path.startswith("/en/") else "Reject all", exact=True).click()
        for _ in range(50):
            if page.evaluate("(JSON.parse(localStorage.getItem('allavie.consent')) || {}).sent === true"):
                break
            page.wait_for_timeout(100)
        assert page.locator("[data-allavie-consent]").is_hidden()
        if violations := run_axe(page):
            found[path + " (banner closed)"] = violations
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_no_axe_violations_with_the_banner_settings_open(audited, site_url: str) -> None:
    page = audited
    page.goto(site_url + "/en/integritetspolicy/")
    page.get_by_role("button", name="Settings", exact=True).click()
    assert page.get_by_role("checkbox").is_visible()
    assert run_axe(page) == []


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["", "/en"])
def test_no_axe_violations_on_the_booking_steps(audited, site_url: str, viewport, lang: str) -> None:
    page = audited
    page.set_viewport_size(viewport)
    page.goto(site_url + lang + "/boka/?behandling=laser-pigment")  # age limit and prepayment: every part shows
    page.locator("[data-times] button.allavie-time").first.wait_for()
    found = {"time (banner open)": run_axe(page)}
    page.locator('[data-allavie-consent-action="reject"]').click()
    page.locator("[data-times] button.allavie-time").first.click()
    page.locator('[data-step="details"]').wait_for()
    for folded in page.locator("details.allavie-more summary").all():
        folded.click()
    found["details"] = run_axe(page)
    page.locator("[data-submit]").click()
    page.locator("[data-error-summary] a").first.wait_for()
    found["details with errors"] = run_axe(page)
    page.goto(site_url + lang + "/boka/?payment_intent=pi_x&payment_intent_client_secret=pi_x_secret_y&redirect_status=failed")
    page.locator("[data-return-message]").filter(has_text="0").or_(page.locator("[data-return-message]")).wait_for()
    found["payment return"] = run_axe(page)
    assert {k: v for k, v in found.items() if v} == {}, json.dumps(found, indent=1, ensure_ascii=False)
