"""A visitor books a treatment with prepayment on the local site (Chromium). localstripe
cannot play the browser's part (no Payment Element), so the test pays server-side
with a test card; localstripe then sends its signed webhook to `chalice local`,
and the page must turn to confirmed by itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from chalicelib.store.models import Booking, Item, LedgerEntry
from playwright.sync_api import expect
from support import clock as run_clock
from support.booking_steps import choose_day_from, choose_first_time, choose_treatment
from support.browser import answer_cookie_banner, console_errors

EMAIL = "betalande.kund@example.se"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.browser
def test_the_page_turns_to_confirmed_when_stripe_reports_the_payment(
    page, site_url: str, stripe_url: str, outbox, stripe_webhooks: str,
) -> None:
    errors = console_errors(page)
    page.goto(site_url + "/boka/")
    answer_cookie_banner(page)
    choose_treatment(page, "kemisk-peeling")
    assert "förskott 300 kr" in page.locator('[data-field="service-summary"]').inner_text()
    choose_day_from(page, run_clock.open_day(2).isoformat())
    choose_first_time(page)
    page.get_by_label("Namn *").fill("Betalande Kund")
    page.get_by_label("E-post *").fill(EMAIL)
    page.get_by_label("Mobilnummer *").fill("070-123 45 67")
    page.get_by_role("button", name="Boka", exact=True).click()

    page.get_by_role("heading", name="Betala förskottet").wait_for()
    step = page.locator('[data-state="payment"]')
    assert "300" in step.locator('[data-field="amount"]').inner_text()
    expect(page.locator("[data-payment-status]")).to_contain_text("Testläge")
    [booking] = [i for i in Item.scan() if isinstance(i, Booking)]
    assert booking.status == "awaiting_payment" and booking.payment_intent_id
    assert outbox.emails_to(EMAIL) == []  # no confirmation before the money

    # The customer's card, server-side (what Stripe.js would do in the browser), with the
    # very command the test-mode note gives a developer.
    note = page.locator("[data-payment-status]").inner_text()
    command = note[note.index(".venv/bin/allavie"):].split()
    assert command[1:] == ["test-pay", booking.payment_intent_id]
    paid = subprocess.run([str(ROOT / command[0]), *command[1:]], env={**os.environ, "STRIPE_API_BASE": stripe_url},
                          capture_output=True, text=True, timeout=60)
    assert paid.returncode == 0 and "succeeded" in paid.stdout, paid.stderr

    # localstripe -> signed webhook -> chalice local confirms -> the page sees it.
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for(timeout=20000)
    assert EMAIL in page.locator('[data-state="done"]').inner_text()
    assert page.locator('[data-state="payment"]').is_hidden()
    [confirmed] = [i for i in Item.scan() if isinstance(i, Booking)]
    assert confirmed.status == "confirmed" and confirmed.paid_sek == 300
    # one confirmation, and (issue 15) the payment's receipt, whichever went out first
    subjects = sorted(str(m["Subject"]).split(":")[0].split(" nr ")[0] for m in outbox.emails_to(EMAIL))
    assert subjects == ["Bokningsbekräftelse", "Kvitto"]
    assert [(e.amount_ore, e.receipt_number) for e in Item.scan() if isinstance(e, LedgerEntry)] == [(30000, 1)]
    assert errors == []
