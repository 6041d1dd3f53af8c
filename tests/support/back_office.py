"""The back office in Chromium: signing in as Sara does (link, enrolment, TOTP code) and screenshots for review."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pyotp

from support import clock as run_clock
from support.browser import answer_cookie_banner
from support.outbox import Outbox
from support.staff import ANNA, SARA, link_token

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"personal-{name}.png"), full_page=True)


def sign_in_as_admin(page, site_url: str, outbox: Outbox) -> None:
    sign_in(page, site_url, outbox, ANNA)


def sign_in(page, site_url: str, outbox: Outbox, email: str = SARA) -> None:
    """As a member does on a new device: the address, the link from the outbox, the enrolment, a code."""
    page.goto(site_url + "/personal/")
    answer_cookie_banner(page)
    page.get_by_label("E-post", exact=True).fill(email)
    page.get_by_role("button", name="Skicka inloggningslänk").click()
    page.get_by_text("Om adressen hör till någon i personalen").wait_for()
    page.goto(f"{site_url}/personal/#t={link_token(outbox, email)}")
    page.locator("[data-qr] path").wait_for(state="attached")
    secret = page.locator("[data-field=secret]").inner_text().strip()
    assert secret and page.locator("[data-qr] path").get_attribute("d").count("M") > 100  # the QR code is drawn
    page.get_by_label("Kod (6 siffror)").fill(pyotp.TOTP(secret).at(run_clock.now()))
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som").wait_for()
    assert urlsplit(page.url).fragment == ""  # the link's token is gone from the address bar
