"""The booking as issue 15 asks for it, on a phone (390x844) in Chromium: a free consultation from
the start page in at most 4 taps plus the typed fields, each step on one screen, the state kept
through a reload at every step and through Back; the cookie banner never over the focused element;
and the return from a redirect payment (Klarna, Swish) for an intent that succeeded, is processing
or failed. Also what the clinic file gives the pages: holiday names, terms, no empty org.nr."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
import stripe
from allavie.local import servers
from browser.booking_steps import TIMES, choose_day_from, choose_first_time
from chalicelib.store.models import Booking, Item
from playwright.sync_api import expect
from support.browser import answer_cookie_banner, console_errors

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
EMAIL = "fyra.tryck@example.se"


def step_fits_the_screen(page, step: str) -> None:
    """The step, from the page's top (header, title and step bar included), ends within one screen."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(f'[data-step="{step}"]').bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], (step, box)


def test_a_free_consultation_in_four_taps_from_the_start_page_with_the_state_kept(page, site_url: str) -> None:
    errors = console_errors(page)
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/")
    answer_cookie_banner(page)  # the cookie choice, not a booking tap
    taps = 0

    page.get_by_role("link", name="Boka tid", exact=True).click()
    taps += 1
    page.locator('[data-step="treatment"]').wait_for()
    step_fits_the_screen(page, "treatment")
    page.reload()
    expect(page.locator('[data-step="treatment"]')).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0  # nothing stored before a choice

    page.locator('a[data-service="konsultation"]').click()
    taps += 1
    page.locator(TIMES).first.wait_for()
    assert page.url.endswith("/boka/?behandling=konsultation")
    assert page.get_by_role("button", name="Första lediga tid", exact=False).is_visible()
    assert page.get_by_label("Behandlare").input_value() == ""  # "Första lediga" by default
    days = page.locator("button[data-day]")
    assert days.count() == 14
    page.reload()
    page.locator(TIMES).first.wait_for()
    expect(page.locator('[data-step="time"]')).to_be_visible()
    expect(page.locator('[data-field="service-summary"]')).to_contain_text("Hudkonsultation")

    # Back goes to the treatments, Forward to the times again.
    page.go_back()
    expect(page.locator('[data-step="treatment"]')).to_be_visible()
    page.go_forward()
    page.locator(TIMES).first.wait_for()
    expect(page.locator('[data-step="time"]')).to_be_visible()

    # Two days ahead at the earliest: outside the change deadline.
    soon = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    day = next(b for b in days.all() if not b.is_disabled() and b.get_attribute("data-day") >= soon)
    day.click()  # choosing another day than the first free one is a tap more than the 4 needed
    chosen = page.locator(TIMES).first.get_attribute("data-start")
    page.locator(TIMES).first.click()
    taps += 1
    page.locator('[data-step="details"]').wait_for()
    step_fits_the_screen(page, "details")
    expect(page.locator("[data-late]")).to_be_hidden()

    page.get_by_label("Namn *").fill("Fyra Tryck")
    page.get_by_label("E-post *").fill(EMAIL)
    page.get_by_label("Mobilnummer *").fill("070-123 45 67")
    page.reload()
    page.locator('[data-step="details"]').wait_for()
    expect(page.get_by_label("Namn *")).to_have_value("Fyra Tryck")
    expect(page.get_by_label("E-post *")).to_have_value(EMAIL)
    expect(page.get_by_label("Mobilnummer *")).to_have_value("070-123 45 67")
    expect(page.locator('[data-field="choice-summary"]')).to_contain_text("Hudkonsultation")
    assert not page.get_by_label("Kom ihåg mina uppgifter").is_checked()
    for offer in ("marketing.email", "marketing.sms"):
        assert not page.locator(f'input[name="{offer}"]').is_checked()  # offers unticked

    # The button says it is sending while it is.
    submit = page.locator("[data-submit]")
    page.route("**/bookings", lambda route: (page.wait_for_timeout(400), route.continue_()))
    submit.click()
    taps += 1
    expect(submit).to_have_text("Skickar bokningen …")
    expect(submit).to_be_disabled()
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    page.unroute("**/bookings")
    assert taps == 4  # and the day tap above, which the first free day does not need
    [booking] = [i for i in Item.scan() if isinstance(i, Booking)]
    assert booking.start == dt.datetime.fromisoformat(chosen) and booking.status == "confirmed"

    page.reload()  # a reload shows the confirmation, not an empty form
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    assert EMAIL in page.locator('[data-state="done"]').inner_text()
    assert page.locator('[data-state="form"]').is_hidden()
    assert errors == []


@pytest.mark.parametrize("lang", ["", "/en"])
def test_each_step_fits_a_phone_screen_with_an_age_limit_too(page, site_url: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + lang + "/boka/")
    answer_cookie_banner(page)
    step_fits_the_screen(page, "treatment")
    page.locator('a[data-service="laser-pigment"]').click()  # the age tick shows
    page.locator(TIMES).first.wait_for()
    choose_day_from(page, (dt.date.today() + dt.timedelta(days=2)).isoformat())  # outside the deadline
    choose_first_time(page)
    expect(page.locator("[data-late]")).to_be_hidden()
    step_fits_the_screen(page, "details")


def test_four_taps_at_most_with_the_first_free_time(page, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/")
    answer_cookie_banner(page)
    clicks: list[str] = []  # every tap or click of the booking, counted here
    for name, action in (
        ("Boka tid", lambda: page.get_by_role("link", name="Boka tid", exact=True).click()),
        ("Hudkonsultation", lambda: page.locator('a[data-service="konsultation"]').click()),
        ("Första lediga tid", lambda: page.locator("[data-first]").click()),
    ):
        action()
        clicks.append(name)
        if name == "Hudkonsultation":
            page.locator("[data-first]").wait_for()
    page.get_by_label("Namn *").fill("Första Ledig")
    page.get_by_label("E-post *").fill("forsta.ledig@example.se")
    page.get_by_label("Mobilnummer *").fill("070-765 43 21")
    if page.locator("[data-late]").is_visible():  # the first free time may be within 24 hours
        assert "063-512545" in page.locator("[data-late]").inner_text()
    page.get_by_role("button", name="Boka", exact=True).click()
    clicks.append("Boka")
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    assert len(clicks) <= 4, clicks


def test_the_banner_is_first_in_the_tab_order_and_never_covers_the_focused_element(page, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/boka/?behandling=konsultation")
    banner = page.locator("[data-allavie-consent]")
    banner.wait_for(state="visible")
    page.locator(TIMES).first.click()
    page.locator('[data-step="details"]').wait_for()
    page.reload()  # the details step again, with nothing focused yet
    page.locator('[data-step="details"]').wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('[data-allavie-consent]')")  # first in the tab order
    seen = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        overlap = page.evaluate("""() => {
            const b = document.querySelector('[data-allavie-consent]');
            const f = document.activeElement;
            if (!f || f === document.body || b.hidden || b.contains(f)) return null;
            const r = f.getBoundingClientRect(), s = b.getBoundingClientRect();
            return {name: f.name || f.id || f.textContent.trim().slice(0, 30),
                    overlaps: r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top,
                    inView: r.bottom > 0 && r.top < innerHeight};
        }""")
        if overlap is None:
            continue
        seen += 1
        assert not overlap["overlaps"], overlap
        assert overlap["inView"], overlap
    assert seen > 10
    # The page's buttons are never under the banner either: it is in the flow above them.
    box, submit = banner.bounding_box(), page.locator("[data-submit]").bounding_box()
    assert submit["y"] >= box["y"] + box["height"]


def test_a_booking_inside_the_change_deadline_says_so_before_it_is_made(page, site_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/boka/?behandling=konsultation")
    answer_cookie_banner(page)
    page.locator(TIMES).first.wait_for()
    first = page.locator("[data-first]")
    start = dt.datetime.fromisoformat(first.get_attribute("data-start"))
    first.click()
    late = page.locator("[data-late]")
    if start - dt.datetime.now(dt.timezone.utc) < dt.timedelta(hours=24):
        expect(late).to_be_visible()
        expect(late).to_contain_text("går inte att ändra eller avboka på nätet")
        expect(late).to_contain_text("063-512545")
    else:
        expect(late).to_be_hidden()


def test_errors_are_summarised_at_the_top_and_a_taken_time_is_said_beside_the_times(page, site_url: str,
                                                                                 api_url: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site_url + "/boka/?behandling=konsultation")
    answer_cookie_banner(page)
    start = page.locator(TIMES).first.get_attribute("data-start")
    page.locator(TIMES).first.click()
    page.get_by_role("button", name="Boka", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Rätta det här, så kan du boka:")
    assert summary.locator("a").all_inner_texts() == [
        "Namn: Skriv ditt namn.", "E-post: Skriv din e-postadress.", "Mobilnummer: Skriv ditt mobilnummer."]
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    expect(page.locator('[data-error-for="name"]')).to_have_text("Skriv ditt namn.")

    # Somebody else takes the time meanwhile: the message is beside the times, and so is the focus.
    # Every staff member's slot at that time, so that "first available" cannot fall back on another.
    for n in range(3):
        status, made = call(api_url, "POST", "/bookings", {
            "service": "konsultation", "start": start, "name": "Snabb", "email": f"snabb{n}@example.se",
            "phone": "070-111 11 11", "marketing": {"email": False, "sms": False}})
        assert status in (201, 409), made
    page.get_by_label("Namn *").fill("Långsam")
    page.get_by_label("E-post *").fill("langsam@example.se")
    page.get_by_label("Mobilnummer *").fill("070-222 22 22")
    page.get_by_role("button", name="Boka", exact=True).click()
    expect(page.locator('[data-step="time"]')).to_be_visible()
    expect(page.locator('[data-error-for="start"]')).to_have_text("Tiden hann bokas av någon annan. Välj en annan tid.")
    assert page.evaluate("document.activeElement.id") == "booking-start"


def test_an_empty_treatment_says_choose_a_treatment(page, site_url: str) -> None:
    page.goto(site_url + "/boka/?behandling=konsultation")
    answer_cookie_banner(page)
    page.locator(TIMES).first.click()
    page.locator('[data-step="details"]').wait_for()
    # The chosen treatment is lost (a stale tab, storage cleared): the form says what to do.
    page.evaluate("""() => { const s = JSON.parse(sessionStorage.getItem('allavie.booking'));
                             s.service = ''; sessionStorage.setItem('allavie.booking', JSON.stringify(s)); }""")
    page.goto(site_url + "/boka/")
    expect(page.locator('[data-step="treatment"]')).to_be_visible()
    assert "Okänd behandling" not in page.locator("#allavie-booking").inner_text()


# --- the return from a redirect payment ------------------------------------------------------------


def call(api_url: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept-Language": "sv"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def book_prepaid(api_url: str, email: str, nth: int) -> dict:
    """A kemisk peeling (300 kr prepayment) through the API, held while it is paid."""
    first = dt.date.today() + dt.timedelta(days=3)
    status, free = call(api_url, "GET", f"/availability?service=kemisk-peeling&from={first}&to={first + dt.timedelta(days=10)}")
    assert status == 200 and len(free["slots"]) > nth, free
    status, made = call(api_url, "POST", "/bookings", {
        "service": "kemisk-peeling", "start": free["slots"][nth * 8]["start"], "name": "Klarna Kund", "email": email,
        "phone": "070-333 33 33", "marketing": {"email": False, "sms": False}})
    assert status == 201 and made["payment"], made
    return made


def returned(site_url: str, secret: str, redirect_status: str) -> str:
    """The address Stripe sends the customer back to (the payment step's return_url, the booking page)."""
    return site_url + "/boka/?" + urlencode({"payment_intent": secret.split("_secret_")[0],
                                             "payment_intent_client_secret": secret,
                                             "redirect_status": redirect_status})


def test_the_return_from_a_redirect_payment_shows_confirmed_pending_or_failed(
        page, site_url: str, api_url: str, stripe_url: str, stripe_webhooks: str) -> None:
    errors = console_errors(page)
    page.set_viewport_size(PHONE)
    client = stripe.StripeClient(servers.LOCAL_STRIPE_SECRET, base_addresses={"api": stripe_url})
    paid = book_prepaid(api_url, "betald@example.se", 0)
    waiting = book_prepaid(api_url, "pagaende@example.se", 1)
    declined = book_prepaid(api_url, "nekad@example.se", 2)

    # Succeeded: the card went through; Stripe's webhook (localstripe -> chalice local) confirms.
    intent = paid["payment"]["client_secret"].split("_secret_")[0]
    client.v1.payment_intents.update(intent, params={"payment_method": "pm_card_visa"})
    client.v1.payment_intents.confirm(intent)
    page.goto(returned(site_url, paid["payment"]["client_secret"], "succeeded"))
    answer_cookie_banner(page)
    expect(page.locator("[data-return-title]")).to_have_text("Tack! Din tid är bokad", timeout=20000)
    expect(page.locator("[data-return-message]")).to_contain_text("bokningen är bekräftad")

    # Processing: the intent is not paid yet (Klarna is deciding): the page waits and keeps asking.
    intent = waiting["payment"]["client_secret"].split("_secret_")[0]
    client.v1.payment_intents.update(intent, params={"payment_method": "pm_card_visa"})  # requires_confirmation
    with page.expect_request(lambda r: r.url.endswith("/payments/status")):
        page.goto(returned(site_url, waiting["payment"]["client_secret"], "processing"))
    expect(page.locator("[data-return-title]")).to_have_text("Betalningen behandlas")
    expect(page.locator("[data-return-message]")).to_contain_text("Du behöver inte betala igen")
    with page.expect_request(lambda r: r.url.endswith("/payments/status"), timeout=10000):
        pass  # still asking: only the webhook confirms
    expect(page.locator("[data-return-again]")).to_be_hidden()
    [still] = [i for i in Item.scan() if isinstance(i, Booking) and i.booking_id == waiting["booking"]["id"]]
    assert still.status == "awaiting_payment"

    # Failed: the bank said no; nothing is booked and the page says what to do next.
    intent = declined["payment"]["client_secret"].split("_secret_")[0]
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.update(intent, params={"payment_method": "pm_card_chargeCustomerFail"})
        client.v1.payment_intents.confirm(intent)
    page.goto(returned(site_url, declined["payment"]["client_secret"], "failed"))
    expect(page.locator("[data-return-title]")).to_have_text("Betalningen gick inte igenom")
    expect(page.locator("[data-return-message]")).to_contain_text("ring oss på 063-512545")
    again = page.get_by_role("button", name="Boka igen")
    expect(again).to_be_visible()
    again.click()
    expect(page.locator('[data-step="treatment"]')).to_be_visible()
    assert errors == []


def test_the_payment_step_returns_to_the_booking_page() -> None:
    source = (os.path.dirname(__file__) + "/../../site/assets/js/parts/payment.js")
    with open(source, encoding="utf-8") as handle:
        assert "return_url: window.location.origin + window.location.pathname" in handle.read()


# --- what the clinic file gives the pages ------------------------------------------------------------


def test_holidays_by_name_terms_from_the_rules_and_no_empty_organisation_number(page, site_url: str) -> None:
    from chalicelib.core import clinic

    data = clinic.load()
    page.goto(site_url + "/kontakt/")
    answer_cookie_banner(page)
    text = page.locator("article").inner_text()
    upcoming = [d for d in data.exception_names if d >= dt.date.today()]
    if dt.date(2027, 12, 24) in upcoming:
        assert "Julafton, fredag 24 december 2027: stängt" in text
    if dt.date(2026, 12, 31) in upcoming:
        assert "Nyårsafton, torsdag 31 december 2026: 09:00–13:00" in text

    page.goto(site_url + "/bokningsvillkor/")
    terms = page.locator("article").inner_text().replace("\u00a0", " ")
    assert f"fram till {data.rules.change_deadline_hours} timmar före" in terms
    assert f"i {data.rules.hold_minutes} minuter medan du betalar" in terms
    assert "300 kr" in terms and "kommer du inte till din tid" in terms
    page.goto(site_url + "/en/bokningsvillkor/")
    assert f"until {data.rules.change_deadline_hours} hours before" in page.locator("article").inner_text()

    footer = page.locator("footer").inner_text()
    assert data.address in footer and data.phone in footer
    assert ("Org.nr" in footer or "reg. no." in footer) == bool(data.organisation_number)
    page.goto(site_url + "/boka/")
    assert page.get_by_role("link", name="Bokningsvillkor").first.is_visible()  # beside the Boka button


def test_the_price_list_links_each_treatment_to_its_times(page, site_url: str) -> None:
    page.goto(site_url + "/behandlingar/")
    answer_cookie_banner(page)
    page.get_by_role("link", name="Boka Kemisk peeling").click()
    page.locator(TIMES).first.wait_for()
    expect(page.locator('[data-field="service-summary"]')).to_contain_text("Kemisk peeling")


def test_the_clinic_look_no_docs_search_or_table_of_contents(page, site_url: str) -> None:
    for path in ("/", "/behandlingar/", "/om-oss/", "/en/om-oss/", "/mina-sidor/"):
        page.goto(site_url + path)
        html = page.content()
        assert "Innehållsförteckning" not in html and "md-search" not in html and "Table of contents" not in html
        assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
        assert page.locator(".allavie-brand svg.allavie-wordmark").count() == 1
        colour = page.locator("h1").evaluate("h => getComputedStyle(h).color")
        red, green, blue = (int(x) for x in colour[colour.index("(") + 1:-1].split(",")[:3])
        assert red > green + 20  # warm, not grey
    nav = page.locator(".allavie-nav").inner_text()
    for entry in ("Behandlingar och priser", "Boka", "Kontakt", "Om oss", "Mina sidor"):
        assert entry in nav
    for gone in ("Mina uppgifter", "Utskick", "Ny länk", "Din bokning"):
        assert gone not in nav
    page.get_by_role("link", name="Skicka mig en länk").click()
    page.get_by_role("heading", name="Ny länk").wait_for()


def test_remember_my_details_fills_the_next_booking_and_unticking_forgets_them(page, site_url: str) -> None:
    page.goto(site_url + "/boka/?behandling=konsultation")
    answer_cookie_banner(page)
    page.locator(TIMES).first.click()
    page.get_by_label("Namn *").fill("Minns Mig")
    page.get_by_label("E-post *").fill("minns@example.se")
    page.get_by_label("Mobilnummer *").fill("070-444 44 44")
    page.get_by_label("Kom ihåg mina uppgifter").check()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    stored = page.evaluate("sessionStorage.getItem('allavie.booking')")
    assert "070-444 44 44" not in stored  # what was typed goes once it is sent; the confirmation stays

    page.goto(site_url + "/boka/")
    page.evaluate("sessionStorage.clear()")  # a new visit, another day
    page.goto(site_url + "/boka/?behandling=konsultation")
    page.locator(TIMES).nth(1).click()
    expect(page.get_by_label("Namn *")).to_have_value("Minns Mig")
    expect(page.get_by_label("E-post *")).to_have_value("minns@example.se")
    expect(page.get_by_label("Mobilnummer *")).to_have_value("070-444 44 44")
    assert page.get_by_label("Kom ihåg mina uppgifter").is_checked()
    page.get_by_label("Kom ihåg mina uppgifter").uncheck()
    page.get_by_role("button", name="Boka", exact=True).click()
    page.get_by_role("heading", name="Tack! Din tid är bokad").wait_for()
    assert page.evaluate("localStorage.getItem('allavie.details')") is None
