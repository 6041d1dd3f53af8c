"""What browser tests do the way a visitor does."""

from __future__ import annotations

import shutil
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


CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


def chromium_path() -> str:
    """Chromium as the system installed it (Debian's package), found on PATH."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("Chromium is needed for the browser tests: sudo apt-get install chromium")
    return found


def launch_chromium(playwright: Any) -> Any:
    """The system's Chromium through Playwright, headless (Playwright downloads no browser of its own)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
