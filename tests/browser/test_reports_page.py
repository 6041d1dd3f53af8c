"""The owner's reports (/personal/rapporter/) in Chromium against chalice local (its stream pump keeps the per-day
aggregates) and the built site under its security headers: an admin sees the month's figures, charts and their
tables, changes the period, downloads the CSV; staff without the admin role see the page's message (the API
answers 403); axe-core finds nothing, on a desktop and at 390x844."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid

import pytest
from chalicelib.core.clock import STOCKHOLM
from chalicelib.payments import ledger
from chalicelib.store import reports_repo as repository
from chalicelib.store.models import Booking, BookingRef, Customer
from playwright.sync_api import expect
from support import clock as run_clock
from support.axe import axe_violations
from support.back_office import sign_in, sign_in_as_admin
from support.browser import console_errors
from support.outbox import Outbox
from support.staff import SARA

pytestmark = pytest.mark.browser


def a_visit_today() -> dt.date:
    """A booking starting today (Stockholm) and its prepayment, as the booking and the webhook write them; then
    wait (bounded) until the stream pump beside chalice local has counted them."""
    now = run_clock.now()
    today = now.astimezone(STOCKHOLM).date()
    cid, bid = uuid.uuid4().hex, uuid.uuid4().hex
    Customer(*Customer.key(cid), customer_id=cid, name="Åsa Öberg", email=f"{cid[:8]}@example.se",
             created_at=now, expires_at=now + dt.timedelta(days=900)).save()
    start = dt.datetime.combine(today, dt.time(10, 0), STOCKHOLM).astimezone(dt.timezone.utc)
    Booking(*Booking.key(cid, bid), booking_id=bid, customer_id=cid, service_id="kemisk-peeling", staff_id="sara",
            start=start, end=start + dt.timedelta(minutes=45), locked_units=3, status="confirmed", created_at=now,
            gsi1pk=f"CAL#{today:%Y-%m}", gsi1sk=f"{start.isoformat()}#{bid}",
            expires_at=now + dt.timedelta(days=900)).save()
    BookingRef.make(cid, bid, now + dt.timedelta(days=900)).save()
    ledger.record_payment(bid, f"pi_{bid}", f"ch_{bid}", 30000, now)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        counted = repository.days(today, today).get(today.isoformat(), {})
        if counted.get("bookings") == 1 and counted.get("rev:online") == 30000:
            return today
        time.sleep(0.3)
    raise AssertionError(f"the stream did not count the visit: {repository.days(today, today)}")


def test_an_admin_sees_the_months_figures_charts_and_tables_changes_the_period_and_downloads_the_csv(
        page, site_url: str, api_url: str, outbox: Outbox) -> None:
    errors = console_errors(page)
    today = a_visit_today()
    sign_in_as_admin(page, site_url, outbox)
    page.get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", name="Rapporter", level=1)).to_be_visible()
    first = today.replace(day=1)
    expect(page.locator("[data-heading]")).to_contain_text(first.isoformat())
    month = repository.days(first, today)
    expect(page.locator('[data-figure="bookings"] dd')).to_have_text(
        re.compile(rf"^{sum(d.get('bookings', 0) for d in month.values())}(?!\d)"))
    expect(page.locator('[data-figure="online"] dd')).to_contain_text("300")
    for name in ("revenue", "bookings", "staff", "services"):
        expect(page.locator(f'[data-chart="{name}"] svg[role="img"]')).to_be_visible()
    page.locator('[data-chart="services"] summary').click()
    services = page.get_by_role("table", name="Behandlingar")
    expect(services).to_be_visible()
    expect(services.get_by_role("row", name="Kemisk peeling")).to_contain_text("300.00")
    assert axe_violations(page, site_url) == []

    with page.expect_download() as waiting:
        page.get_by_role("button", name="Ladda ner dagarna (CSV)").click()
    lines = open(waiting.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("date,bookings,cancelled_by_customer") and len(lines) >= 29
    row = next(line for line in lines if line.startswith(today.isoformat()))
    assert row.split(",")[1] == str(month[today.isoformat()]["bookings"])

    page.get_by_role("button", name="Förra månaden").click()
    before = (first - dt.timedelta(days=1)).replace(day=1)
    expect(page.locator("[data-heading]")).to_contain_text(before.isoformat())
    # what the stream counted for that month (the pump beside chalice local reads the stream from its start,
    # so earlier tests' bookings may be counted there too): the page shows exactly that
    counted = repository.days(before, first - dt.timedelta(days=1))
    expected = sum(day.get("bookings", 0) for day in counted.values())
    expect(page.locator('[data-figure="bookings"] dd')).to_have_text(re.compile(rf"^{expected}(?!\d)"))

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page, site_url) == []
    assert errors == []


def test_staff_without_the_admin_role_see_a_clear_message(page, site_url: str, api_url: str, outbox: Outbox) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site_url, outbox, SARA)
    with page.expect_response(lambda r: "/staff/reports" in r.url) as answered:
        page.goto(site_url + "/personal/rapporter/")
    assert answered.value.status == 403
    expect(page.get_by_role("heading", name="Rapporterna är för klinikens administratörer")).to_be_visible()
    assert axe_violations(page, site_url) == []
