"""The built site (mkdocs build, no servers): no inline scripts or styles for the
CSP to block, nothing loaded from another origin, the clinic's data on its pages,
the policy version defined once, and the security headers the CDN serves."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from allavie import site_build as site
from chalicelib.core import clinic

ROOT = Path(__file__).resolve().parents[2]
SITE_URL = "http://127.0.0.1:8999/"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.style_attributes: list[str] = []
        self.resources: list[str] = []  # URLs the browser loads by itself
        self.meta: dict[str, str] = {}
        self.hreflangs: set[str] = set()
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "style" in a:
            self.style_attributes.append(tag)
        if tag == "script":
            self._in_script = "src" not in a and a.get("type", "") != "application/json"
            if "src" in a:
                self.resources.append(a["src"])
        if tag in ("img", "iframe", "source", "audio", "video") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preconnect", "preload", "modulepreload", "manifest"):
            self.resources.append(a.get("href", ""))
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        if tag == "a":
            if a.get("hreflang"):
                self.hreflangs.add(a["hreflang"])
            self.links.append((a.get("href", ""), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:80])
        self.text.append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    site.build(out, api_url="http://127.0.0.1:8001", site_url=SITE_URL)
    return out


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pages(built: Path) -> list[Path]:
    found = sorted(built.rglob("*.html"))
    assert len(found) >= 10
    return found


def policy_version() -> str:
    from mkdocs.config import load_config

    return str(load_config(str(ROOT / "mkdocs.yml")).extra["policy_version"])


def test_no_page_has_an_inline_script_or_style_attribute(built: Path) -> None:
    for path in pages(built):
        page = parse(path)
        assert page.inline_scripts == [], path
        assert page.style_attributes == [], path


def test_nothing_is_loaded_from_another_origin(built: Path) -> None:
    for path in pages(built):
        for url in parse(path).resources:
            assert not re.match(r"^(https?:)?//", url), f"{path}: {url}"
    for css in built.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            assert not re.match(r"^(https?:)?//", url), f"{css}: {url}"
    assert "fonts.googleapis" not in "".join(p.read_text(encoding="utf-8") for p in pages(built))


def test_every_page_has_the_language_switch_the_policy_version_and_the_banner(built: Path) -> None:
    version = policy_version()
    for path in pages(built):
        if path.name == "404.html":
            continue
        html = path.read_text(encoding="utf-8")
        page = parse(path)
        assert {"sv", "en"} <= page.hreflangs, path
        assert page.meta.get("allavie-policy-version") == version, path
        assert "data-allavie-consent-open" in html and "data-allavie-consent " in html, path


def test_the_notice_shows_the_version_consent_refers_to(built: Path) -> None:
    version = policy_version()
    sv = " ".join(parse(built / "integritetspolicy" / "index.html").text)
    en = " ".join(parse(built / "en" / "integritetspolicy" / "index.html").text)
    assert f"Version {version}, gäller från" in sv
    assert f"Version {version}, in force from" in en


def test_treatments_and_prices_come_from_the_clinic_file(built: Path) -> None:
    data = clinic.load()
    for lang, path in (("sv", built / "behandlingar" / "index.html"), ("en", built / "en" / "behandlingar" / "index.html")):
        text = " ".join(parse(path).text).replace("\u00a0", " ")
        for service in data.services:
            assert service.name.get(lang) in text
            # "1 200 kr" in Swedish; "SEK 1,200" in English, as on the booking page and in the e-mails
            for amount in (service.price_sek, service.prepayment_sek):
                if amount:
                    shown = f"SEK {amount:,}" if lang == "en" else f"{amount:,} kr".replace(",", " ")
                    assert shown in text, (lang, shown)
        if lang == "en":  # not "1 200 SEK" (each cell is one text)
            assert not [part for part in parse(path).text if part.strip().endswith("SEK")]
    contact = " ".join(parse(built / "kontakt" / "index.html").text)
    assert data.address in contact and data.phone in contact


def test_the_security_headers_forbid_inline_scripts_and_keep_their_format() -> None:
    raw = json.loads((ROOT / "site" / "security-headers.json").read_text(encoding="utf-8"))
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items())
    headers = site.security_headers(site.api_origin("http://127.0.0.1:8001/api"))
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    # Scripts: our own, and Stripe.js from Stripe itself (PCI: never self-hosted).
    assert csp["script-src"] == "'self' https://js.stripe.com"
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert csp["connect-src"] == "'self' http://127.0.0.1:8001 https://api.stripe.com"
    assert csp["frame-src"] == "'self' https://js.stripe.com https://hooks.stripe.com"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "max-age=" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer", "same-origin")
    assert not any(name.startswith("_") for name in headers)


def test_the_booking_terms_page_is_where_the_confirmation_links(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.links import urls

    monkeypatch.setenv("SITE_URL", SITE_URL.rstrip("/"))
    for language, heading in (("sv", "Bokningsvillkor"), ("en", "Booking terms")):
        link = urls.site_page("bokningsvillkor", language)
        page = built / link.removeprefix(SITE_URL) / "index.html"
        assert page.is_file(), link
        assert heading in " ".join(parse(page).text)


def test_no_public_page_names_a_prescription_medicine_and_injections_say_how_they_are_prescribed(built: Path) -> None:
    # Advertising prescription medicines to the public is not allowed (läkemedelslagen): lag (2021:363)'s
    # treatments say how they are prescribed; the medicine is named only in the patient's written information.
    for path in pages(built):
        assert "botulinum" not in path.read_text(encoding="utf-8").lower(), path
    data = clinic.load()
    for lang, path in (("sv", built / "behandlingar" / "index.html"), ("en", built / "en" / "behandlingar" / "index.html")):
        text = " ".join(parse(path).text)
        regulated = [s for s in data.services if s.regulated]
        assert len(regulated) == 2 and text.count(data.injections.public_text.get(lang)) == len(regulated)


# --- the pages' ES modules (site/hooks/modules.py) -------------------------------------------------------


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.classic: list[str] = []
        self.modules: list[str] = []
        self.preloads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and "src" in a:
            (self.modules if a.get("type") == "module" else self.classic).append(a["src"])
        if tag == "link" and a.get("rel") == "modulepreload":
            self.preloads.append(a["href"])


IMPORTED = re.compile(r"""^\s*(?:import|export)\b[^"';]*?\bfrom\s*["'](\.{1,2}/[^"']+)["']""", re.M)


def test_pages_load_es_modules_and_every_import_is_preloaded_and_built(built: Path) -> None:
    """One classic script (early.js, before the first paint); the rest are modules: site.js on every page,
    and the page's own; every module they import, however deep, is preloaded and is in the build."""
    booking = None
    for path in pages(built):
        scripts = Scripts()
        scripts.feed(path.read_text(encoding="utf-8"))
        assert [Path(s).name for s in scripts.classic] == ["early.js"], path
        assert scripts.modules and Path(scripts.modules[0]).as_posix().endswith("assets/js/pages/site.js"), path
        # 404.html is served at any address: its links are from the root
        loaded = {(built / src.lstrip("/") if src.startswith("/") else path.parent / src).resolve()
                  for src in scripts.modules + scripts.preloads}
        for module in loaded:
            assert module.is_file(), (path, module)
            for target in IMPORTED.findall(module.read_text(encoding="utf-8")):
                assert (module.parent / target).resolve() in loaded, (path, module, target)
        if path == built / "boka" / "index.html":
            booking = scripts
    assert booking and [Path(m).name for m in booking.modules] == ["site.js", "booking.js"]
    assert any(p.endswith("lib/dates.js") for p in booking.preloads)


def test_no_page_says_window_allavie_or_uses_a_script_list() -> None:
    """Globals by load order are gone: no module reads window.Allavie, no page lists scripts."""
    for path in (ROOT / "site" / "assets" / "js").rglob("*.js"):
        assert "Allavie." not in path.read_text(encoding="utf-8").replace("allavie.", ""), path
    for path in (ROOT / "site").rglob("*.md"):
        assert not re.search(r"^scripts:", path.read_text(encoding="utf-8"), re.M), path


def test_the_texts_of_the_scripted_pages_take_the_clinics_facts_from_the_clinic_file() -> None:
    """The texts the pages' modules show (the pages with a module) name no phone number, e-mail address,
    street address or hold time of their own: the build fills them in from clinic.yml (allavie: markers)."""
    data = clinic.load()
    facts = [data.phone, "+46 " + data.phone.lstrip("0").replace("-", " "), data.address.split(",")[0], *data.emails]
    scripted = [p for p in (ROOT / "site").rglob("*.md") if re.search(r"^module:", p.read_text(encoding="utf-8"), re.M)]
    assert len(scripted) >= 12
    for path in scripted + sorted((ROOT / "site" / "assets" / "js").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        for fact in facts:
            assert fact not in text, (path, fact)
        if "personal" not in path.parts:  # the staff's sign-in link lasts 15 minutes too, by another rule
            assert not re.search(rf"\b{data.rules.hold_minutes} minut", text), path


def test_the_apis_page_list_is_the_sites_pages() -> None:
    """The API counts views of these paths only (issue 28, finding 11): a page added to site/ must be in the list.
    Regenerate with: .venv/bin/python -c "from allavie import site_build; site_build.write_page_list()" (in infra/)."""
    from allavie import site_build
    from chalicelib.cookies import analytics

    assert sorted(analytics.pages()) == site_build.page_paths()
    assert {"/", "/en/", "/boka/", "/en/integritetspolicy/", "/personal/erbjudanden/"} <= analytics.pages()
