"""Find my booking (issue 15), in Chromium at phone size against chalice local and the built site:
a lost confirmation is no dead end. /ny-lank/ sends the manage link of each booking ahead; the data
page's bookings open the manage page with its data link, where one booking is moved to a staff
member the customer chooses and the other is cancelled."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from support import clock as run_clock
from support.axe import axe_violations
from support.browser import answer_cookie_banner, console_errors
from support.outbox import Outbox
from support.site import call, fragment_token, on_site

pytestmark = pytest.mark.browser

EMAIL = "maja.hitta@example.se"
PHONE = {"width": 390, "height": 844}


def book(api_url: str, start: str, staff: str) -> str:
    status, made = call(api_url, "POST", "/bookings", {
        "service": "konsultation", "start": start, "staff": staff, "name": "Maja Hitta", "email": EMAIL,
        "phone": "070-222 33 44", "marketing": {"email": False, "sms": False},
    })
    assert status == 201, made
    return str(made["booking"]["id"])


def two_bookings(api_url: str) -> tuple[str, str]:
    """Two consultations with Sara, on two days from the day after tomorrow (the real clock)."""
    first = run_clock.open_day(2)
    status, free = call(api_url, "GET", f"/availability?service=konsultation&staff=sara&from={first}"
                                        f"&to={first + dt.timedelta(days=14)}")
    assert status == 200 and free["slots"], free
    days = sorted({slot["start"][:10] for slot in free["slots"]})
    starts = [next(s["start"] for s in free["slots"] if s["start"].startswith(day)) for day in days[:2]]
    return book(api_url, starts[0], "sara"), book(api_url, starts[1], "sara")


def test_the_new_link_page_finds_the_bookings_and_the_data_page_moves_and_cancels_them(
        page, site_url: str, api_url: str, outbox: Outbox, tmp_path) -> None:
    moved_id, cancelled_id = two_bookings(api_url)
    errors = console_errors(page)
    page.set_viewport_size(PHONE)

    # The confirmations are lost: /ny-lank/ sends the data link and a manage link for each booking ahead.
    before = len(outbox.emails_to(EMAIL))
    page.goto(f"{site_url}/ny-lank/")
    answer_cookie_banner(page)
    page.get_by_label("E-post").fill(EMAIL)
    page.get_by_role("button", name="Skicka länk").click()
    expect(page.locator('[data-message="sent"]')).to_be_visible()
    [mail] = outbox.emails_to(EMAIL)[before:]
    links = outbox.links(mail)
    managed = [link for link in links if "/hantera/#" in link]
    assert [link.split("b=")[1][:16] for link in managed] == [moved_id, cancelled_id]
    data = next(link for link in links if "/mina-uppgifter/#t=" in link)

    # The data page lists both, each with its link to reschedule or cancel.
    page.goto(on_site(data, site_url))
    rows = page.locator("[data-bookings] tbody tr")
    expect(rows).to_have_count(2)
    change = page.get_by_role("link", name="Boka om eller avboka")
    expect(change).to_have_count(2)
    assert axe_violations(page, site_url) == []
    page.screenshot(path=str(tmp_path / "data-page.png"), full_page=True)

    # The later booking is shown first (newest first); open the earlier one (the second row).
    earlier = rows.nth(1).get_by_role("link", name="Boka om eller avboka")
    assert moved_id in earlier.get_attribute("href")
    earlier.click()
    expect(page.get_by_role("heading", name="Bokningen")).to_be_visible()
    expect(page.locator('[data-field="staff"]')).to_have_text("Sara Berg")
    expect(page.get_by_role("link", name="Tillbaka till Mina uppgifter")).to_be_visible()

    # Reschedule, choosing the staff member: only those who give the treatment are offered.
    staff = page.get_by_label("Behandlare")
    offered = staff.locator("option:not([hidden])")
    expect(offered).to_have_text(["Första lediga", "Anna Lindqvist", "Sara Berg", "Elin Nordström"])
    staff.select_option("elin")
    day = page.get_by_label("Ny dag")
    expect(day).to_be_enabled()
    day.select_option(index=2)
    first_time = page.locator('[data-time-list] input[name="start"]').first
    chosen = first_time.get_attribute("value")
    assert "elin" in first_time.get_attribute("data-staff").split(",")
    page.locator("[data-time-list] label").first.click()
    assert axe_violations(page, site_url) == []
    page.screenshot(path=str(tmp_path / "manage-staff.png"), full_page=True)
    page.get_by_role("button", name="Flytta till vald tid").click()
    expect(page.locator("[data-message]")).to_contain_text("Din bokning är flyttad")
    expect(page.locator('[data-field="staff"]')).to_have_text("Elin Nordström")

    token = fragment_token(data)
    status, me = call(api_url, "GET", "/me", token=token)
    assert status == 200
    by_id = {b["id"]: b for b in me["bookings"]}
    assert by_id[moved_id]["staff"] == "elin" and by_id[moved_id]["start"] == chosen

    # Back to the data page with the same link, and cancel the other booking from it.
    page.get_by_role("link", name="Tillbaka till Mina uppgifter").click()
    expect(rows).to_have_count(2)
    other = page.locator("[data-bookings] tbody tr").filter(has=page.locator(f'a[href*="b={cancelled_id}"]'))
    other.get_by_role("link", name="Boka om eller avboka").click()
    page.get_by_role("button", name="Avboka tiden").click()
    page.get_by_role("button", name="Ja, avboka").click()
    expect(page.locator("[data-message]")).to_contain_text("Din tid är avbokad")
    expect(page.locator('[data-field="status"]')).to_have_text("Avbokad")
    status, me = call(api_url, "GET", "/me", token=token)
    assert {b["id"]: b["status"] for b in me["bookings"]} == {moved_id: "confirmed", cancelled_id: "cancelled"}
    assert errors == []
