"""A visitor who wants lip filler is led to the consultation first, then to the treatment's times
two days after it (lag 2021:363), on the real booking page in Chromium; axe-clean, also at phone size."""

from __future__ import annotations

import datetime as dt

import pytest
from chalicelib.store.models import Booking, Item
from playwright.sync_api import expect
from support.axe import AXE, AXE_PATH, run_axe
from support.booking_steps import choose_first_time, choose_treatment
from support.browser import answer_cookie_banner, console_errors

EMAIL = "filler.kund@example.se"


def axe_when_settled(page) -> list[dict]:
    """axe once the theme's header has finished fading between its two titles (a focus scrolls the page)."""
    page.wait_for_timeout(500)
    return run_axe(page)


def details(page) -> None:
    page.get_by_label("Namn *").fill("Filler Kund")
    page.get_by_label("E-post *").fill(EMAIL)
    page.get_by_label("Mobilnummer *").fill("070-123 45 67")
    page.get_by_label("Jag har fyllt 18 år *").check()


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1280, 900), (390, 844)])
def test_a_filler_is_booked_after_its_consultation_two_days_later(page, site_url: str, outbox, tmp_path,
                                                                  size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.route(f"{site_url}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    errors = console_errors(page)
    page.goto(site_url + "/boka/")
    answer_cookie_banner(page)
    filler = page.locator('a[data-service="fillers-lappar"]')
    expect(filler).to_contain_text("Ordineras efter konsultation med legitimerad sjuksköterska.")
    assert "botulinum" not in page.content().lower()
    choose_treatment(page, "fillers-lappar")
    note = page.locator('[data-consultation="note"]')
    expect(note).to_be_visible()
    expect(note).to_contain_text("minst två dagar före (betänketid)")

    # Straight to the treatment, as a visitor who has not read the note: 409, and the earliest day.
    choose_first_time(page)
    details(page)
    page.get_by_role("button", name="Boka", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_contain_text("kräver enligt lag en konsultation")
    refused = page.locator('[data-consultation="refused"]')
    expect(refused).to_contain_text("Tidigast möjliga dag för behandlingen är")
    assert [i for i in Item.scan() if isinstance(i, Booking)] == []
    assert axe_when_settled(page) == []
    page.screenshot(path=str(tmp_path / f"refused-{size[0]}.png"), full_page=True)

    # The consultation first: what was typed stays.
    refused.get_by_role("button", name="Boka konsultationen först").click()
    expect(page.locator('[data-field="service-summary"]')).to_contain_text("Konsultation inför injektionsbehandling")
    page.locator("button[data-day]").first.wait_for()
    chosen = choose_first_time(page)
    assert page.get_by_label("E-post *").input_value() == EMAIL
    page.get_by_label("Jag har fyllt 18 år *").check()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    allowed = dt.date.fromisoformat(chosen[:10]) + dt.timedelta(days=2)
    next_step = page.locator("[data-consultation-next]")
    expect(next_step).to_contain_text("Nu kan du boka läppförstoring med filler från")
    assert axe_when_settled(page) == []
    page.screenshot(path=str(tmp_path / f"consultation-booked-{size[0]}.png"), full_page=True)
    assert [m for m in outbox.emails_to(EMAIL) if m["Subject"] == "Skriftlig information inför din behandling"]

    # The treatment's times start two calendar days after the consultation.
    next_step.get_by_role("button", name="Boka läppförstoring med filler").click()
    expect(page.locator('[data-field="service-summary"]')).to_contain_text("Läppförstoring med filler")
    page.locator("button[data-day]").first.wait_for()
    assert page.locator("button[data-day]").first.get_attribute("data-day") == allowed.isoformat()
    choose_first_time(page)
    details(page)
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_role("heading", name="Betala förskottet").wait_for()  # booked: the prepayment step
    treatment = next(i for i in Item.scan() if isinstance(i, Booking) and i.service_id == "fillers-lappar")
    assert treatment.basis_kind == "consultation"
    assert [e for e in errors if "status of 409" not in e] == []
