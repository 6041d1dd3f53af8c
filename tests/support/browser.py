"""What browser tests do the way a visitor does."""

from __future__ import annotations

from typing import Any


def answer_cookie_banner(page: Any) -> None:
    """A visitor answers the site's cookie banner first (it covers the bottom of the page)."""
    reject = page.locator('[data-allavie-consent-action="reject"]')
    if reject.count() and reject.first.is_visible():
        reject.first.click()


def console_errors(page: Any) -> list[str]:
    """Collects the page's console errors and uncaught exceptions from now on."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
