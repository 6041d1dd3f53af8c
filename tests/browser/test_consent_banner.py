"""The cookie banner in Chromium, under the site's real security headers,
against chalice local and DynamoDB Local."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from chalicelib.cookies import analytics, consent
from support import clock as run_clock

pytestmark = pytest.mark.browser

BANNER = "[data-allavie-consent]"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_requests(page) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    page.on("request", lambda request: seen.append((request.method, request.url)))
    return seen


def stored_choice(page) -> dict | None:
    return page.evaluate("JSON.parse(localStorage.getItem('allavie.consent'))")


def click_and_wait_for_proof(page, name: str):
    with page.expect_response(lambda r: r.url.endswith("/consent") and r.request.method == "POST") as answer:
        page.get_by_role("button", name=name, exact=True).click()
    assert answer.value.status == 204
    # The page marks the choice sent once the API answered (polled from here:
    # wait_for_function evaluates a string, which the site's CSP forbids).
    for _ in range(50):
        choice = stored_choice(page)
        if choice and choice.get("sent") is True:
            return choice
        page.wait_for_timeout(50)
    raise AssertionError(f"the choice was never marked sent: {stored_choice(page)}")


# What a page may read from the clinic's own API before any choice: the public facts the pages follow
# (the clinic's settings), sent with no cookie, token or identifier; in AWS the API is the site's own
# origin (CloudFront's /api). Nothing is written and nothing goes to anyone else.
PUBLIC_READS = {("GET", "/clinic"), ("GET", "/services")}


def the_site_or_a_public_read(method: str, url: str, site_url: str, api_url: str) -> bool:
    return origin(url) == site_url or (origin(url) == api_url and (method, urlsplit(url).path) in PUBLIC_READS)


def test_first_visit_shows_the_banner_and_nothing_leaves_the_site_or_is_stored(page, site_url: str,
                                                                                 api_url: str) -> None:
    seen = record_requests(page)
    page.goto(site_url + "/")
    banner = page.locator(BANNER)
    banner.wait_for(state="visible")
    buttons = banner.locator(".allavie-consent__actions button")
    assert buttons.all_inner_texts() == ["Godkänn alla", "Avvisa alla", "Inställningar"]
    # Equal weight: the three first-layer buttons look the same.
    looks = buttons.evaluate_all("""bs => bs.map(b => {
        const s = getComputedStyle(b);
        return [s.backgroundColor, s.color, s.fontSize, s.fontWeight, s.borderWidth, s.minWidth];
    })""")
    assert looks[0] == looks[1] == looks[2]
    page.goto(site_url + "/integritetspolicy/")
    page.locator(BANNER).wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    strays = [(m, u) for m, u in seen if not the_site_or_a_public_read(m, u, site_url, api_url)]
    assert seen and not strays, strays
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert not [url for _, url in seen if url.endswith("/analytics.js") or url.endswith("/analytics/pageview")]


def test_reject_is_stored_proved_and_remembered_without_statistics(page, site_url: str, api_url: str) -> None:
    seen = record_requests(page)
    page.goto(site_url + "/")
    choice = click_and_wait_for_proof(page, "Avvisa alla")
    assert choice["choices"] == {"necessary": True, "analytics": False}
    assert choice["policy_version"] == page.get_attribute('meta[name="allavie-policy-version"]', "content")
    (proof,) = consent.history(choice["id"], run_clock.now())
    assert proof.choices.as_dict() == {"necessary": True, "analytics": False}
    assert proof.policy_version == choice["policy_version"]
    assert page.locator(BANNER).is_hidden()

    page.goto(site_url + "/kontakt/")
    page.wait_for_load_state("networkidle")
    assert page.locator(BANNER).is_hidden()
    to_api = [(method, urlsplit(url).path) for method, url in seen
              if origin(url) == api_url and (method, urlsplit(url).path) not in PUBLIC_READS]
    assert to_api == [("POST", "/consent")]  # the proof, and no statistics
    assert page.context.cookies() == []


def test_accept_is_stored_proved_and_counts_pages_afterwards(page, site_url: str, api_url: str) -> None:
    seen = record_requests(page)
    page.goto(site_url + "/")
    with page.expect_response(lambda r: r.url.endswith("/analytics/pageview")) as counted:
        choice = click_and_wait_for_proof(page, "Godkänn alla")
    assert counted.value.status == 204
    assert choice["choices"] == {"necessary": True, "analytics": True}
    (proof,) = consent.history(choice["id"], run_clock.now())
    assert proof.choices.as_dict()["analytics"] is True

    with page.expect_response(lambda r: r.url.endswith("/analytics/pageview")):
        page.goto(site_url + "/kontakt/")
    assert page.locator(BANNER).is_hidden()
    today = analytics.day_of(run_clock.now())
    assert analytics.counts(today, run_clock.now()) == {"/": 1, "/kontakt/": 1}
    to_api = [(method, urlsplit(url).path) for method, url in seen
              if origin(url) == api_url and (method, urlsplit(url).path) not in PUBLIC_READS]
    assert to_api == [("POST", "/consent"), ("POST", "/analytics/pageview"), ("POST", "/analytics/pageview")]
    assert page.context.cookies() == []


def test_the_footer_link_reopens_the_banner_and_withdrawing_is_as_easy(page, site_url: str) -> None:
    page.goto(site_url + "/")
    first = click_and_wait_for_proof(page, "Godkänn alla")
    page.goto(site_url + "/cookies/")
    assert page.locator(BANNER).is_hidden()
    page.get_by_role("link", name="Cookie-inställningar").click()
    assert page.locator(BANNER).is_visible()
    assert page.evaluate("document.activeElement.id") == "allavie-consent-title"
    second = click_and_wait_for_proof(page, "Avvisa alla")
    assert second["id"] == first["id"] and second["choices"]["analytics"] is False
    history = consent.history(first["id"], run_clock.now())
    assert [p.choices.as_dict()["analytics"] for p in history] == [True, False]
    assert page.evaluate("document.activeElement.textContent") == "Cookie-inställningar"  # focus goes back


def test_settings_tick_nothing_in_advance_and_save_the_ticked_choice(page, site_url: str) -> None:
    page.goto(site_url + "/en/")
    page.locator(BANNER).wait_for(state="visible")
    page.get_by_role("button", name="Settings", exact=True).click()
    box = page.get_by_role("checkbox")
    assert box.count() == 1 and not box.is_checked()
    box.check()
    choice = click_and_wait_for_proof(page, "Save my choice")
    assert choice["choices"] == {"necessary": True, "analytics": True}


def test_a_new_policy_version_asks_again(page, site_url: str) -> None:
    page.goto(site_url + "/")
    choice = click_and_wait_for_proof(page, "Avvisa alla")
    page.reload()
    assert page.locator(BANNER).is_hidden()
    # The same choice given under an older notice no longer counts.
    page.evaluate("""(old) => localStorage.setItem('allavie.consent', JSON.stringify(old))""",
                  {**choice, "policy_version": "1.0"})
    page.reload()
    page.locator(BANNER).wait_for(state="visible")
    # And a choice older than 12 months neither.
    page.evaluate("""(old) => localStorage.setItem('allavie.consent', JSON.stringify(old))""",
                  {**choice, "given_at": "2020-01-01T00:00:00.000Z"})
    page.reload()
    page.locator(BANNER).wait_for(state="visible")
