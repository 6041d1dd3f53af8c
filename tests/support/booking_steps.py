"""The booking page's steps, as a visitor takes them (shared by the browser tests)."""

from __future__ import annotations

from typing import Any

TIMES = "[data-times] button.allavie-time"


def choose_treatment(page: Any, service: str) -> None:
    """Step 1: tap the treatment; the times of the next 14 days follow."""
    page.locator(f'a[data-service="{service}"]').click()
    page.locator('[data-step="time"]').wait_for()
    page.locator("button[data-day]").first.wait_for()


def choose_day_from(page: Any, first_day: str) -> str:
    """Tap the first day in the strip, from ``first_day`` (YYYY-MM-DD) on, that has free times."""
    for button in page.locator("button[data-day]:not([disabled])").all():
        day = button.get_attribute("data-day")
        if day >= first_day:
            button.click()
            return day
    raise AssertionError(f"no free day from {first_day} in the strip")


def choose_first_time(page: Any) -> str:
    """Step 2: tap the day's first time; the details step follows. Returns the start."""
    button = page.locator(TIMES).first
    button.wait_for()
    start = button.get_attribute("data-start")
    button.click()
    page.locator('[data-step="details"]').wait_for()
    return start


def open_folded(page: Any, which: str) -> None:
    """The details step folds the message ("note") and the reminder and offers ("options")."""
    folded = page.locator(f'details[data-more="{which}"]')
    if not folded.evaluate("d => d.open"):
        folded.locator("summary").click()
