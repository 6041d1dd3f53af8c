"""The back office in Chromium against chalice local and the built site under its security headers:
sign in from the e-mailed link with a TOTP code (computed with pyotp from the enrolment's secret),
see a visitor's booking in the day view, block an afternoon, book a caller, mark an outcome; axe-core
finds nothing on any back-office view, on a desktop and at 390x844."""

from __future__ import annotations

import datetime as dt
import json

import pyotp
import pytest
from chalicelib.core.clock import STOCKHOLM
from chalicelib.staff import upgrade
from chalicelib.store.models import BookingRef
from playwright.sync_api import expect
from support import clock as run_clock
from support.axe import axe_violations
from support.back_office import shot, sign_in
from support.browser import answer_cookie_banner
from support.outbox import Outbox
from support.rights_customers import make_customer
from support.site import call
from support.staff import SARA, link_token

pytestmark = pytest.mark.browser
VIEWS = ("day", "week", "book", "block", "customers", "feed")




def visitor_booking(api_url: str) -> dict:
    first = run_clock.open_day(2)
    last = first + dt.timedelta(days=14)
    status, free = call(api_url, "GET", f"/availability?service=konsultation&staff=sara&from={first}&to={last}")
    assert status == 200 and free["slots"], free
    # an afternoon on a weekday (the block below covers it; a colleague can take it over)
    afternoon = [s for s in free["slots"] if "14" <= s["start"][11:13] < "16"
                 and dt.date.fromisoformat(s["start"][:10]).weekday() < 5]
    status, made = call(api_url, "POST", "/bookings", {
        "service": "konsultation", "start": afternoon[0]["start"], "staff": "sara", "name": "Vera Besökare",
        "email": "vera@example.se", "phone": "070-222 33 44", "note": "Första besöket <script>",
        "marketing": {"email": False, "sms": False}})
    assert status == 201, made
    return made["booking"]


def past_visit() -> str:
    """A visit that began an hour ago (the API books nothing in the past), with its booking ref."""
    now = run_clock.now()
    made = make_customer(now, name="Pia Passerad", email="pia@example.se", visits=((0, "confirmed"),), note=None)
    booking = made.bookings[0]
    booking.start = (now - dt.timedelta(hours=1)).astimezone(STOCKHOLM).replace(second=0, microsecond=0)
    booking.end = booking.start + dt.timedelta(minutes=30)
    unit = booking.start.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    booking.gsi1pk, booking.gsi1sk = f"CAL#{booking.start:%Y-%m}", f"{unit}#{booking.booking_id}"
    booking.save()
    BookingRef.make(made.id, booking.booking_id, booking.expires_at).save()
    upgrade.backfill(now)  # as `allavie staff reindex` does for customers from before the back office
    return booking.booking_id




def test_a_day_at_the_desk(page, site_url: str, api_url: str, outbox: Outbox) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    booked = visitor_booking(api_url)
    day = booked["start"][:10]
    passed = past_visit()
    assert axe_violations(page, site_url) == [] if page.goto(site_url + "/personal/") else True
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    sign_in(page, site_url, outbox)

    # The visitor's booking in the day view, in Sara's column, with phone, note and status.
    page.get_by_label("Datum", exact=True).first.fill(day)
    page.get_by_role("button", name="Visa", exact=True).first.click()
    sara = page.locator(".staff-column", has=page.get_by_role("heading", name="Sara Berg"))
    card = sara.get_by_role("button", name="Vera Besökare")
    card.wait_for()
    text = card.inner_text()
    assert "070-222 33 44" in text and "Första besöket <script>" in text and "Bokad" in text
    shot(page, "day")
    assert axe_violations(page, site_url) == []

    # Block Sara's afternoon, until she stops working that day (the clinic's hours differ by weekday).
    page.get_by_role("button", name="Spärra tid").click()
    form = page.locator("[data-form=block]")
    form.get_by_label("Datum", exact=True).fill(day)
    form.get_by_label("Från").fill("13:00")
    form.get_by_label("Till").fill(run_clock.closes(dt.date.fromisoformat(day), "sara"))
    form.get_by_role("button", name="Spärra").click()
    summary = page.locator("[data-block-summary]")
    summary.wait_for()
    assert summary.inner_text() == "Tiden är spärrad. 1 bokning(ar) ligger i den tiden:"
    conflict = page.locator(f'[data-conflict="{booked["id"]}"]')
    assert "Vera Besökare" in conflict.inner_text() and "070-222 33 44" in conflict.inner_text()
    shot(page, "block-conflict")
    assert axe_violations(page, site_url) == []
    conflict.get_by_label("Flytta till").select_option("anna")
    conflict.get_by_role("button", name="Flytta", exact=True).click()
    expect(conflict.locator("[data-conflict-status]")).to_have_text("Bokningen är flyttad.")
    status, moved = call(api_url, "GET", f"/availability?service=konsultation&staff=anna&from={day}&to={day}")
    assert booked["start"] not in {s["start"] for s in moved["slots"]}  # Anna has it now
    status, free = call(api_url, "GET", f"/availability?service=konsultation&staff=sara&from={day}&to={day}")
    assert not [s for s in free["slots"] if s["start"][11:16] >= "13:00"]
    shot(page, "block")

    # Book a caller by phone only, at the clinic.
    page.get_by_role("button", name="Boka", exact=True).click()
    form = page.locator("[data-form=book]")
    form.get_by_label("Behandling", exact=True).select_option("konsultation")
    form.get_by_label("Behandlare", exact=True).select_option("sara")
    form.get_by_label("Datum", exact=True).fill(day)
    form.get_by_role("button", name="Visa lediga tider").click()
    times = form.get_by_label("Tid", exact=True)
    expect(times.locator("option").nth(1)).to_be_attached()
    assert "Sara Berg" in times.locator("option").nth(1).inner_text()
    times.select_option(index=1)
    form.get_by_label("Namn", exact=True).fill("Berit Ringer")
    form.get_by_label("Telefon", exact=True).fill("070-555 66 77")
    form.get_by_role("button", name="Boka", exact=True).click()
    result = page.locator("[data-book-result]")
    result.wait_for()
    assert result.inner_text().startswith("Bokat:")
    shot(page, "book")
    assert any("+46705556677" in sms for sms in outbox.sms())

    # Mark the outcome of a visit that has begun.
    page.goto(f"{site_url}/personal/#b={passed}")  # as from the clinic's e-mail about a booking
    page.get_by_role("button", name="Uteblev").wait_for()
    page.get_by_role("button", name="Uteblev").click()
    expect(page.locator("[data-app-status]")).to_have_text("Utfallet är sparat.")
    expect(page.locator("[data-booking-facts]")).to_contain_text("Uteblev")
    expect(page.get_by_role("button", name="Uteblev")).to_have_attribute("aria-pressed", "true")
    shot(page, "booking")
    assert axe_violations(page, site_url) == []

    # The next time the desk books for her, typing her number says she stayed away.
    page.get_by_role("button", name="Boka", exact=True).click()
    form = page.locator("[data-form=book]")
    form.get_by_label("Telefon", exact=True).fill("070-123 45 67")
    form.get_by_label("Telefon", exact=True).press("Tab")
    caller = page.locator("[data-caller]")
    expect(caller).to_contain_text("Känd kund: Pia Passerad.")
    expect(caller).to_contain_text("Obs! Kunden har uteblivit 1 gång(er) tidigare.")
    assert form.get_by_label("Namn", exact=True).input_value() == "Pia Passerad"
    shot(page, "book-known")
    assert errors == [], errors


def test_every_back_office_view_is_axe_clean_on_a_phone(page, site_url: str, api_url: str, outbox: Outbox) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    booked = visitor_booking(api_url)
    page.goto(site_url + "/personal/")
    answer_cookie_banner(page)
    page.get_by_label("E-post", exact=True).wait_for()
    found: dict[str, list] = {}
    if violations := axe_violations(page, site_url):
        found["signin"] = violations
    page.goto(site_url + "/en/personal/")
    page.get_by_label("E-mail", exact=True).wait_for()
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    if violations := axe_violations(page, site_url):
        found["signin (English)"] = violations
    call(api_url, "POST", "/staff/signin", {"email": SARA})
    page.goto(f"{site_url}/personal/#t={link_token(outbox, SARA)}")
    page.locator("[data-qr] path").wait_for(state="attached")
    if violations := axe_violations(page, site_url):
        found["code"] = violations
    shot(page, "code-phone")
    secret = page.locator("[data-field=secret]").inner_text().strip()
    page.get_by_label("Kod (6 siffror)").fill(pyotp.TOTP(secret).at(run_clock.now()))
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som").wait_for()
    page.get_by_label("Datum", exact=True).first.fill(booked["start"][:10])
    page.get_by_role("button", name="Visa", exact=True).first.click()
    page.get_by_role("button", name="Vera Besökare").wait_for()
    for view in VIEWS:
        page.locator(f'[data-view="{view}"]').click()
        page.wait_for_timeout(300)
        if violations := axe_violations(page, site_url):
            found[view] = violations
        shot(page, f"{view}-phone")
    page.locator('[data-view="customers"]').click()
    page.get_by_label("Sök på namn, e-post eller telefon").fill("vera")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("button", name="Vera Besökare").click()
    page.get_by_role("heading", name="Vera Besökare").wait_for()
    if violations := axe_violations(page, site_url):
        found["customer"] = violations
    shot(page, "customer-phone")
    page.get_by_role("button", name=booked["start"][:10]).click()
    page.get_by_role("heading", name="Bokning", exact=True).wait_for()
    if violations := axe_violations(page, site_url):
        found["booking"] = violations
    shot(page, "booking-phone")
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
