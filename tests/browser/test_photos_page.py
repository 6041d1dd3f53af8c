"""A customer adds a photo from the manage page of their booking and sees it listed (Chromium, the built
site with its CSP, chalice local, moto's S3 with the site's CORS rule, the upload trigger S3 would be);
what comes back has no metadata; axe finds nothing, at desktop and phone size."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.request

import pytest
import requests
from allavie.local import s3_server
from playwright.sync_api import expect
from support import photos
from support.booking_data import body
from support.browser import answer_cookie_banner, console_errors
from test_a11y_site import AXE, AXE_PATH, run_axe

EMAIL = "bild.kund@example.se"


def _book(api_url: str) -> None:
    first = dt.date.today() + dt.timedelta(days=3)
    query = f"/availability?service=konsultation&from={first}&to={first + dt.timedelta(days=20)}"
    with urllib.request.urlopen(api_url + query, timeout=30) as answer:
        slot = json.loads(answer.read())["slots"][0]
    made = requests.post(api_url + "/bookings", json=body(email=EMAIL, start=slot["start"], staff=slot["staff"][0]),
                         timeout=30)
    assert made.status_code == 201, made.text


@pytest.fixture()
def trigger(api_url: str):
    """S3's ObjectCreated notification, as the dev server runs it: the processing in this process."""
    running = s3_server.UploadTrigger(os.environ["S3_ENDPOINT"], interval=0.2).start()
    yield running
    running.stop()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_a_photo_added_on_the_manage_page_is_listed_without_its_metadata(
        page, site_url: str, api_url: str, outbox, trigger, viewport, tmp_path) -> None:
    page.set_viewport_size(viewport)
    page.route(f"{site_url}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    errors = console_errors(page)
    _book(api_url)
    [mail] = outbox.emails_to(EMAIL)
    link = next(url for url in outbox.links(mail) if "/hantera/#t=" in url)
    page.goto(link)
    answer_cookie_banner(page)
    page.get_by_role("heading", name="Bilder").wait_for()
    expect(page.get_by_text("Du har inte skickat några bilder.")).to_be_visible()
    assert page.locator("#allavie-complaint").is_hidden()  # no complaint before the visit

    page.get_by_label("Välj en bild").set_input_files(
        files=[{"name": "hud.jpg", "mimeType": "image/jpeg", "buffer": photos.jpeg_with_gps((64, 48))}])
    page.get_by_role("button", name="Skicka bilden").click()
    image = page.get_by_role("img", name="Bild 1, skickad")
    expect(image).to_be_visible(timeout=20_000)
    expect(page.locator("[data-photo-status]")).to_have_text("Klart. Bilden finns nu med i listan.")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 48  # shown: the CSP allows the bucket
    served = requests.get(image.get_attribute("src"), timeout=10).content
    assert photos.metadata_of(served)["gps"] == {} and photos.metadata_of(served)["exif"] == {}
    page.screenshot(path=str(tmp_path / f"manage-photos-{viewport['width']}.png"), full_page=True)

    # not a photo: refused on the page before anything is sent
    page.get_by_label("Välj en bild").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    page.get_by_role("button", name="Skicka bilden").click()
    expect(page.locator('[data-error-for="photo"]')).to_have_text("Välj en bild i JPEG, PNG eller HEIC.")
    assert run_axe(page) == []

    page.get_by_role("button", name="Ta bort bild 1").click()
    expect(page.get_by_text("Du har inte skickat några bilder.")).to_be_visible()
    assert errors == []
