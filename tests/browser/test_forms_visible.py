"""Every form control a visitor types into has a visible edge and a size a
finger can hit. The theme resets controls to nothing; axe does not notice
an invisible text box, a person does."""

import pytest

PAGES = ["/boka/?behandling=konsultation", "/en/boka/?behandling=konsultation", "/ny-lank/", "/en/ny-lank/"]

CONTROLS = ", ".join(f".md-typeset {kind}" for kind in (
    "input[type=text]", "input[type=email]", "input[type=tel]", "select", "textarea"))
MEASURE = """(selector) => Array.from(document.querySelectorAll(selector)).filter(el => el.offsetParent !== null).map(el => {
  const style = getComputedStyle(el);
  return {name: el.name || el.id, border: parseFloat(style.borderTopWidth), style: style.borderTopStyle,
          height: el.getBoundingClientRect().height, font: parseFloat(style.fontSize)};
})"""


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_form_controls_can_be_seen_and_hit(page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    page.locator("form, [data-step]").first.wait_for()
    page.wait_for_timeout(300)  # the booking form appears once the treatments have loaded
    controls = page.evaluate(MEASURE, CONTROLS)
    assert controls, f"no form controls found on {path}"
    for control in controls:
        assert control["border"] >= 1 and control["style"] != "none", control
        assert control["height"] >= 36, control  # about 1 cm on a phone
        assert control["font"] >= 16, control  # smaller text makes phones zoom in
