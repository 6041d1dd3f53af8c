"""What a visitor sees, found by walking the site in Chromium (sv and en, desktop and phone)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support.booking_steps import TIMES, choose_first_time, choose_treatment


@pytest.mark.browser
def test_treatment_descriptions_are_shown_whole(page, site_url: str) -> None:
    # An unquoted comma in clinic.yml once cut "Rengöring, ångning, ..." down to "Rengöring".
    page.goto(site_url + "/behandlingar/")
    table = page.locator("article table").inner_text()
    assert "Rengöring, ångning, portömning, mask och massage." in table
    # Treatments under lag (2021:363): how they are prescribed, never which prescription medicine.
    assert ("För panna, glabella och kråksparkar. Endast från 18 år enligt lag. Ordineras efter konsultation med "
            "legitimerad sjuksköterska.") in table
    assert "botulinum" not in table.lower()
    assert "IPL-laser mot pigmentfläckar och rodnad. Från 18 år." in table
    assert "enligt lag. Från 18 år." not in table  # the age is not said twice
    page.goto(site_url + "/en/behandlingar/")
    assert "Cleansing, steam, extractions, mask and massage." in page.locator("article table").inner_text()


def _reject_cookies(page) -> None:
    reject = page.locator('[data-allavie-consent-action="reject"]')
    if reject.count() and reject.first.is_visible():
        reject.first.click()


def _pick_first_time(page, service: str) -> None:
    choose_treatment(page, service)
    expect(page.locator("[data-availability]")).to_contain_text("Lediga tider finns på ")  # not "finns 25 dagar"
    page.locator(TIMES).first.wait_for()


@pytest.mark.browser
def test_booking_page_prices_times_and_the_payment_step_read_right(page, site_url: str) -> None:
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(site_url + "/boka/")
    _reject_cookies(page)
    # A button the script keeps hidden stays hidden (the theme's .md-button display beat [hidden]).
    expect(page.get_by_role("button", name="Tidigare dagar")).to_be_hidden()
    _pick_first_time(page, "kemisk-peeling")
    assert "1\u00a0200 kr" in page.locator('[data-field="service-summary"]').inner_text()  # as on the price list

    # The times are a grid of buttons that each name the whole time, grouped by part of the day.
    groups = page.locator("[data-times] h3").all_inner_texts()
    assert groups and set(groups) <= {"Förmiddag", "Eftermiddag", "Kväll"}
    first = page.locator(TIMES).first
    assert re.fullmatch(r"\d\d:\d\d", first.inner_text())
    assert re.search(r"\w+dag \d{1,2} \w+ 20\d\d kl\. \d\d:\d\d", first.get_attribute("aria-label"))

    choose_first_time(page)
    page.get_by_label("Namn *").fill("Pia Peeling")
    page.get_by_label("E-post *").fill("pia@example.se")
    page.get_by_label("Mobilnummer *").fill("070-123 45 67")
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_role("heading", name="Betala förskottet").wait_for()
    summary = page.locator('[data-state="payment"] [data-field="summary"]').inner_text()
    assert re.search(r"^Kemisk peeling, \w+dag \d{1,2} \w+ 20\d\d kl\. \d\d:\d\d med ", summary), summary
    # localstripe has no Payment Element: no Pay button that does nothing.
    expect(page.get_by_role("button", name="Betala", exact=True)).to_be_hidden()


@pytest.mark.browser
def test_confirmation_mail_says_free_and_its_calendar_file_is_utf8(page, site_url: str, outbox) -> None:
    page.goto(site_url + "/en/boka/")
    _reject_cookies(page)
    choose_treatment(page, "konsultation")
    choose_first_time(page)
    page.get_by_label("Name *").fill("Åsa Öberg")
    page.get_by_label("E-mail *").fill("asa@example.se")
    page.get_by_label("Mobile number *").fill("070-123 45 67")
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_role("heading", name="Thank you").wait_for()
    summary = page.locator('[data-state="done"] [data-field="summary"]').inner_text()
    assert re.search(r" 20\d\d at \d\d:\d\d with ", summary), summary

    [mail] = outbox.emails_to("asa@example.se")
    assert "Price: Free" in outbox.text(mail)  # not "SEK 0"
    [ics] = [part for part in mail.walk() if part.get_content_type() == "text/calendar"]
    assert ics.get_content_charset() == "utf-8"  # else mail clients read "Hudateljén" as ASCII
    assert "Hudateljén" in ics.get_content()


@pytest.mark.browser
def test_new_link_mail_and_data_page_read_like_people_write(page, site_url: str, api_url: str, outbox) -> None:
    from support.site import book, on_site

    book(api_url)  # Karin, with one booking
    page.goto(site_url + "/ny-lank/")
    _reject_cookies(page)
    page.get_by_label("E-post").fill("karin.browser@example.se")
    page.get_by_role("button", name="Skicka länk").click()
    page.get_by_text("Tack! Om adressen finns hos oss").wait_for()

    [mail] = [m for m in outbox.emails_to("karin.browser@example.se") if "länk till dina uppgifter" in m["Subject"]]
    text = outbox.text(mail)
    # A date as people write it, not "2026-12-02 08:50"; the main link first, the "ignore this" note last.
    assert re.search(r"Länken gäller till \w+dag \d{1,2} \w+ 20\d\d kl\. \d\d:\d\d\.", text), text
    assert text.index("Mina uppgifter: http") < text.index("Utskick: http") < text.index("Om du inte har bett")
    markup = mail.get_body(preferencelist=("html",)).get_content()
    assert '">Utskick</a>' in markup  # a link, not a bare URL with a token in the text

    page.goto(on_site(next(link for link in outbox.links(mail) if "/mina-uppgifter/" in link), site_url))
    when = page.locator("table td").first
    when.wait_for()
    assert re.fullmatch(r"\w+dag \d{1,2} \w+ 20\d\d kl\. \d\d:\d\d", when.inner_text()), when.inner_text()

    page.get_by_role("button", name="Radera mina uppgifter …").click()
    page.get_by_role("button", name="Ja, radera allt").click()
    page.get_by_role("heading", name="Dina uppgifter är raderade").wait_for()
    kept = page.locator('[data-list="kept"] li').last.inner_text()
    assert re.search(r"\(utan personuppgifter\)\. För att .*\. Sparas till \d{1,2} \w+ 20\d\d\.$", kept), kept


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/cookies/", "/en/integritetspolicy/"])
def test_the_notice_and_cookie_tables_fit_a_phone(page, site_url: str, path: str) -> None:
    # The tables squeezed a column to a word per line and cut the last one off at the screen's edge.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + path)
    _reject_cookies(page)
    table = page.locator(".allavie-table table")
    width = page.evaluate("document.documentElement.clientWidth")
    for cell in table.locator("td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, cell.inner_text()[:40]
        assert box["width"] > width * 0.6  # a whole line for each, not a sliver
    label = table.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') in ("Namn", "Purpose")  # each cell says which column it is


@pytest.mark.browser
def test_switching_language_keeps_the_e_mailed_link(page, site_url: str, api_url: str, outbox) -> None:
    from support.site import book, on_site

    book(api_url)
    [mail] = outbox.emails_to("karin.browser@example.se")
    link = next(link for link in outbox.links(mail) if "/hantera/#t=" in link)
    page.goto(on_site(link, site_url))
    _reject_cookies(page)
    page.get_by_role("heading", name="Bokningen").wait_for()
    page.locator('.allavie-lang a[hreflang="en"]').click()
    page.wait_for_url("**/en/hantera/#t=*", timeout=5000)
    page.get_by_role("heading", name="The booking").wait_for()  # still the booking, not "open the link from your e-mail"


@pytest.mark.browser
def test_the_price_list_shows_the_prepayment_on_a_phone(page, site_url: str) -> None:
    # The prepayment column lay past the right edge of a 390 px screen, behind a sideways scroll.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + "/behandlingar/")
    _reject_cookies(page)
    width = page.evaluate("document.documentElement.clientWidth")
    prepay = page.locator("td", has_text="300\u00a0kr").first  # kemisk peeling's prepayment
    prepay.scroll_into_view_if_needed()
    box = prepay.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width
    assert prepay.evaluate("td => getComputedStyle(td, '::before').content") == '"Förskott vid bokning"'
