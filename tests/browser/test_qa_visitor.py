"""What a visitor sees, found by walking the site in Chromium (sv and en, desktop and phone)."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_treatment_descriptions_are_shown_whole(page, site_url: str) -> None:
    # An unquoted comma in clinic.yml once cut "Rengöring, ångning, ..." down to "Rengöring".
    page.goto(site_url + "/behandlingar/")
    table = page.locator("article table").inner_text()
    assert "Rengöring, ångning, portömning, mask och massage." in table
    assert "Botulinumtoxin för panna, glabella och kråksparkar. Endast från 18 år enligt lag." in table
    assert "IPL-laser mot pigmentfläckar och rodnad. Från 18 år." in table
    assert "enligt lag. Från 18 år." not in table  # the age is not said twice
    page.goto(site_url + "/en/behandlingar/")
    assert "Cleansing, steam, extractions, mask and massage." in page.locator("article table").inner_text()
