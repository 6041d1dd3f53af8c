"""What the UX review left open, as a visitor sees it in Chromium: phone numbers as people write
them, every bad field named at once, "1 ledig tid" (not "1 lediga tider"), "Välj en tid." beside
the times, English prices as "SEK 1,200" and no redundant label above a stacked treatment name."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from support import clock as run_clock
from support.browser import answer_cookie_banner

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _data_and_manage_links(api_url: str, site_url: str, outbox) -> tuple[str, str]:
    from support.site import EMAIL, book, on_site

    book(api_url)  # Karin, mobile 070-111 22 33, stored as +46701112233
    [mail] = outbox.emails_to(EMAIL)
    links = outbox.links(mail)
    data = next(link for link in links if "/mina-uppgifter/" in link)
    manage = next(link for link in links if "/hantera/#t=" in link)
    return on_site(data, site_url), on_site(manage, site_url)


@pytest.mark.browser
def test_my_data_shows_the_phone_as_people_write_it_and_names_every_bad_field(
        page, site_url: str, api_url: str, outbox) -> None:
    data, _ = _data_and_manage_links(api_url, site_url, outbox)
    page.goto(data)
    answer_cookie_banner(page)
    expect(page.locator('dd[data-field="phone"]')).to_have_text("070-111 22 33")  # not +46701112233
    expect(page.get_by_label("Telefon")).to_have_value("070-111 22 33")

    page.get_by_label("Namn").fill("")
    page.get_by_label("E-post").fill("inte-en-adress")
    page.get_by_label("Telefon").fill("123")
    page.get_by_role("button", name="Spara ändringar").click()
    # Each bad field at once, beside its field (the page showed only the name's).
    expect(page.locator('[data-error-for="name"]')).to_have_text("Obligatoriskt fält.")
    expect(page.locator('[data-error-for="email"]')).to_have_text("Ogiltig e-postadress.")
    expect(page.locator('[data-error-for="phone"]')).to_have_text("Ogiltigt telefonnummer.")
    for label in ("Namn", "E-post", "Telefon"):
        expect(page.get_by_label(label)).to_have_attribute("aria-invalid", "true")


def _leave_one_time(service_id: str, staff_id: str) -> dt.datetime:
    """Every unit of the staff member's next five weeks taken, but for one treatment's length at 10:00
    on the first open day from the day after tomorrow: exactly one free time, on exactly one day."""
    from chalicelib.booking import availability
    from chalicelib.core import clinic
    from chalicelib.store.models import SlotLock

    data = clinic.load()
    service = next(s for s in data.services if s.id == service_id)
    today = run_clock.today()
    free_day = next(day for day in (today + dt.timedelta(days=n) for n in range(2, 12))
                    if availability.opening(data, day))
    free_start = dt.datetime.combine(free_day, dt.time(10), STOCKHOLM)
    free = set(availability.units(data, service, free_start))
    with SlotLock.batch_write() as batch:
        for day in (today + dt.timedelta(days=n) for n in range(-1, 34)):
            hours = availability.opening(data, day)
            unit = hours[0] if hours else None
            while hours and unit < hours[1]:
                if unit not in free:
                    batch.save(SlotLock(*SlotLock.key(staff_id, unit), booking_id="taken-by-test"))
                unit += availability.step(data)
    return free_start


@pytest.mark.browser
@pytest.mark.parametrize("path, texts", [
    ("/boka/", ("Lediga tider finns på 1 dag. Välj dag och tid.", "1 ledig tid. Välj tiden.", "1 ledig")),
    ("/en/boka/", ("Free times on 1 day. Choose the day and time.", "1 free time. Choose the time.", "1 free")),
])
def test_one_free_time_on_one_day_is_said_in_the_singular(page, site_url: str, api_url: str,
                                                           path: str, texts: tuple[str, str, str]) -> None:
    free_start = _leave_one_time("rynkbehandling", "anna")  # Anna is the only one who gives it
    page.goto(site_url + path)
    answer_cookie_banner(page)
    page.locator('a[data-service="rynkbehandling"]').click()
    status = page.locator("[data-availability]")
    expect(status).to_have_text(texts[0])  # not "1 dagar"
    day = page.locator(f'button[data-day="{free_start.date().isoformat()}"]')
    expect(day).to_contain_text(texts[2])  # the strip says it too: "1 ledig", not "1 lediga"
    day.click()
    expect(status).to_have_text(texts[1])  # not "1 lediga tider"
    [time] = page.locator("[data-times] button.allavie-time").all()
    assert dt.datetime.fromisoformat(time.get_attribute("data-start")) == free_start


@pytest.mark.browser
@pytest.mark.parametrize("language, button, text", [
    ("sv", "Flytta till vald tid", "Välj en tid."),
    ("en", "Move to the chosen time", "Choose a time."),
])
def test_rescheduling_without_a_time_says_choose_a_time(page, site_url: str, api_url: str, outbox,
                                                        language: str, button: str, text: str) -> None:
    _, manage = _data_and_manage_links(api_url, site_url, outbox)
    if language == "en":
        manage = manage.replace("/hantera/", "/en/hantera/")
    page.goto(manage)
    answer_cookie_banner(page)
    expect(page.locator("[data-availability]").first).not_to_be_empty()
    page.get_by_role("button", name=button).click()
    expect(page.locator('[data-form="reschedule"] [data-error-for="start"]')).to_have_text(text)  # not "Obligatoriskt fält."


@pytest.mark.browser
def test_english_prices_read_sek_first_and_a_stacked_name_has_no_label(page, site_url: str) -> None:
    page.goto(site_url + "/en/behandlingar/")
    answer_cookie_banner(page)
    table = page.locator(".allavie-table table")
    text = table.inner_text().replace("\u00a0", " ")
    assert "SEK 1,200" in text and "1 200 SEK" not in text  # as on the booking page and in the e-mails

    page.set_viewport_size({"width": 390, "height": 844})
    for lang_path, label in (("/behandlingar/", "Behandling"), ("/en/behandlingar/", "Treatment")):
        page.goto(site_url + lang_path)
        first_row = page.locator(".allavie-table tbody tr").first
        name = first_row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
        assert label not in name and name in ("none", "normal", '""')  # the bold name says what it is
        duration = first_row.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
        assert duration.strip('"') in ("Tid", "Duration")  # the other cells keep their column's name
