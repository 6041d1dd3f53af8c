"""The built site loads in Chromium under its own security headers."""

import pytest


@pytest.mark.browser
def test_the_start_page_loads_without_console_errors(page, site_url: str) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site_url + "/")
    assert "Hudateljén" in page.title()
    # The API client (a module: no globals) reads the API's address from the page's head.
    assert page.evaluate("async () => (await import('/assets/js/lib/api.js')).apiBase()").startswith("http://127.0.0.1:")
    assert errors == []
