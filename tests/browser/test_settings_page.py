"""The clinic's settings (/personal/installningar/) in Chromium against chalice local and the built site: the
owner changes a price and an opening hour in the forms, sees the price list's preview, is told at the field
when the clinic file's rules refuse a change, and the public price list and hours pages show the new values
without a new build; axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.axe import axe_violations
from support.back_office import sign_in_as_admin
from support.browser import console_errors
from support.outbox import Outbox
from support.site import call

pytestmark = pytest.mark.browser


def session_of(page) -> str:
    return page.evaluate("() => sessionStorage.getItem('allavie.staff')")


def restore(api_url: str, session: str, original: dict) -> None:
    """Put the clinic file's values back through chalice local, so that its cache holds them (the next test's
    emptied table leaves a container's cache as it was for up to a minute)."""
    for section in ("treatments", "opening_hours"):
        status, now = call(api_url, "GET", "/staff/settings", token=session)
        assert status == 200
        status, _ = call(api_url, "PUT", f"/staff/settings/{section}",
                         {"version": now["version"], "value": original[section]}, token=session)
        assert status == 200


def test_the_owner_changes_a_price_and_an_hour_and_the_site_follows(page, site_url: str, api_url: str,
                                                                      outbox: Outbox) -> None:
    errors = console_errors(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as_admin(page, site_url, outbox)
    page.get_by_role("link", name="Inställningar", exact=True).click()
    expect(page.get_by_role("heading", name="Inställningar", level=1)).to_be_visible()
    expect(page.locator('[data-history] li')).to_have_text("Inga ändringar ännu: inställningarna är klinikfilens.",
                                                           timeout=15000)  # a busy machine
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    session = session_of(page)
    original = call(api_url, "GET", "/staff/settings", token=session)[1]["settings"]
    assert axe_violations(page, site_url) == []
    try:
        names = [t["id"] for t in original["treatments"]]
        facial, wrinkles = names.index("ansiktsbehandling"), names.index("rynkbehandling")

        # The clinic file's rule, at the field: only licensed staff give an injection treatment.
        page.locator(f'input[name="treatments[{wrinkles}].staff.sara"]').check()
        page.get_by_role("button", name="Spara behandlingar och priser").click()
        expect(page.locator(f'[data-error-for="treatments[{wrinkles}].staff"]')).to_contain_text("legitimerad")
        expect(page.locator("[data-app-status]")).to_have_text("Rätta det markerade och spara igen.")
        assert axe_violations(page, site_url) == []
        page.locator(f'input[name="treatments[{wrinkles}].staff.sara"]').uncheck()

        # A new price: the preview shows it as the price list will, then it is saved.
        page.locator(f'input[name="treatments[{facial}].price_sek"]').fill("995")
        expect(page.locator("[data-preview] tr").nth(facial)).to_contain_text("995\u00a0kr")
        page.get_by_role("button", name="Spara behandlingar och priser").click()
        expect(page.locator("[data-app-status]")).to_have_text("Sparat. Ändringen gäller inom en minut.")

        # A new opening hour: Saturdays until three.
        page.locator('input[name="opening_hours.saturday.closes"]').fill("15:00")
        page.get_by_role("button", name="Spara öppettider").click()
        expect(page.locator("[data-app-status]")).to_have_text("Sparat. Ändringen gäller inom en minut.")
        expect(page.locator("[data-history] li")).to_have_count(2)
        expect(page.locator("[data-history] li").first).to_contain_text("öppettider")

        # The public pages, built before the change, show the new values (no new build, no deploy).
        page.goto(site_url + "/behandlingar/")
        expect(page.locator('[data-allavie-prices] tr[data-service="ansiktsbehandling"]')).to_contain_text("995\u00a0kr")
        assert axe_violations(page, site_url) == []
        page.goto(site_url + "/kontakt/")
        saturday = page.locator("[data-allavie-hours] tbody tr").nth(5)
        expect(saturday.locator("td").first).to_have_text("Lördag")
        expect(saturday.locator("td").nth(1)).to_have_text("10:00–15:00")
        assert axe_violations(page, site_url) == []
        page.goto(site_url + "/boka/")  # the booking page's list of treatments, built with the site
        expect(page.locator('a[data-service="ansiktsbehandling"] .allavie-treatment__meta')).to_contain_text("995 kr")
        page.goto(site_url + "/en/behandlingar/")
        expect(page.locator('[data-allavie-prices] tr[data-service="ansiktsbehandling"]')).to_contain_text("SEK\u00a0995")

        # The English settings page, and axe on a phone.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(site_url + "/en/personal/installningar/")
        expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
        expect(page.locator(f'input[name="treatments[{facial}].price_sek"]')).to_have_value("995")
        assert axe_violations(page, site_url) == []
    finally:
        restore(api_url, session, original)
    assert [e for e in errors if "status of 400" not in e] == [] and len(errors) == 1  # the refused save
