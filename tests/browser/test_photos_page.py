"""A customer adds a photo from the manage page of their booking and sees it listed (Chromium, the built
site with its CSP, chalice local, moto's S3 with the site's CORS rule, the upload trigger S3 would be);
what comes back has no metadata; axe finds nothing, at desktop and phone size."""

from __future__ import annotations

import os

import pytest
import requests
from allavie.local import s3_server
from playwright.sync_api import expect
from support import clock as run_clock
from support import photos
from support.axe import AXE, AXE_PATH, run_axe
from support.browser import answer_cookie_banner, console_errors
from support.photo_visits import EMAIL, book_visit, visit_in_the_past


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
    book_visit(api_url)
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


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_photos_right_after_booking_sit_in_the_confirmation(page, site_url: str, outbox, trigger, viewport,
                                                             tmp_path) -> None:
    """The booking page's optional photos: the two-hour photo link of POST /bookings, in the new booking flow."""
    from support.booking_steps import choose_day_from, choose_first_time, choose_treatment

    page.set_viewport_size(viewport)
    page.route(f"{site_url}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    errors = console_errors(page)
    page.goto(site_url + "/boka/")
    answer_cookie_banner(page)
    assert page.locator("#allavie-booking-photos").is_hidden()
    choose_treatment(page, "konsultation")
    choose_day_from(page, run_clock.open_day(2).isoformat())
    choose_first_time(page)
    page.get_by_label("Namn *").fill("Bild Bokare")
    page.get_by_label("E-post *").fill("bild.bokare@example.se")
    page.get_by_label("Mobilnummer *").fill("070-123 45 67")
    with page.expect_response(lambda r: r.url.endswith("/bookings") and r.request.method == "POST") as made:
        page.get_by_role("button", name="Boka", exact=True).click()
    token = made.value.json()["photos"]["token"]
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()

    section = page.locator("#allavie-booking-photos")
    expect(section.get_by_role("heading", name="Vill du skicka bilder? (frivilligt)")).to_be_visible()
    assert section.evaluate("s => !!s.closest('[data-state=\"done\"]')")  # in the confirmation, not beside it
    section.get_by_label("Välj en bild").set_input_files(
        files=[{"name": "IMG_0001.HEIC", "mimeType": "", "buffer": photos.heic((48, 32))}])  # iPhones' type-less HEIC
    section.get_by_role("button", name="Skicka bilden").click()
    image = section.get_by_role("img", name="Bild 1, skickad")
    expect(image).to_be_visible(timeout=20_000)
    assert image.evaluate("img => img.complete && img.naturalWidth") == 48
    assert run_axe(page) == []
    page.screenshot(path=str(tmp_path / f"booked-photos-{viewport['width']}.png"), full_page=True)

    # the photo link is never stored: a reload shows the confirmation without the photo section
    stored = page.evaluate("JSON.stringify([Object.assign({}, sessionStorage), Object.assign({}, localStorage)])")
    assert token not in stored
    page.reload()  # the confirmation again, without the photo section (its link is not kept)
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    assert page.locator("#allavie-booking-photos").is_hidden()
    assert errors == []




@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_a_complaint_is_filed_and_shown_as_a_thread_on_the_manage_page(page, site_url: str, api_url: str, outbox,
                                                                       viewport, tmp_path) -> None:
    page.set_viewport_size(viewport)
    page.route(f"{site_url}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
    errors = console_errors(page)
    book_visit(api_url)
    [mail] = outbox.emails_to(EMAIL)
    link = next(url for url in outbox.links(mail) if "/hantera/#t=" in url)
    visit_in_the_past(EMAIL)
    page.goto(link)
    answer_cookie_banner(page)
    complaint = page.locator("#allavie-complaint")
    expect(complaint.get_by_role("heading", name="Reklamation")).to_be_visible()

    expect(complaint.locator('label[for="complaint-text"]')).to_have_text("Beskriv problemet", use_inner_text=True)
    complaint.get_by_role("button", name="Skicka").click()  # empty: refused beside the field
    expect(complaint.locator('[data-error-for="text"]')).to_have_text("Obligatoriskt fält.")
    words = "Huden blev röd efter behandlingen.\n<b>Fortfarande</b> irriterad."
    complaint.get_by_label("Beskriv problemet").fill(words)
    complaint.get_by_role("button", name="Skicka").click()
    expect(complaint.locator("[data-complaint-status]")).to_have_text(
        "Tack! Vi har tagit emot din reklamation och skickat en bekräftelse via e-post.")
    thread = complaint.locator(".allavie-thread")
    expect(thread.get_by_role("heading")).to_contain_text("(öppen)")
    assert thread.locator(".allavie-message").inner_text() == words  # as written: lines kept, no markup
    assert thread.locator("b").count() == 0
    # the next message goes into the thread: the field is now "Ditt svar", and only that
    expect(complaint.locator('label[for="complaint-text"]')).to_have_text("Ditt svar", use_inner_text=True)
    expect(complaint.locator("p[data-complaint-new]")).to_be_hidden()
    assert any(m["Subject"] == "Vi har tagit emot din reklamation" for m in outbox.emails_to(EMAIL))
    assert run_axe(page) == []
    complaint.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"manage-complaint-{viewport['width']}.png"), full_page=True)
    assert [e for e in errors if "400" not in e] == []  # Chromium logs the deliberate 400 above
