"""Bytes a first visit to the booking page transfers: every request, as served.

Builds the site, starts the API it talks to (DynamoDB Local in memory,
localstripe, chalice local), serves the build on 127.0.0.1 the way the tests
and CloudFront do (infra/allavie/site_build.py: gzip, the security headers), opens
/boka/ in a fresh Chromium profile (empty cache, no stored choice) and adds up
what came over the wire for each request, a worker's too (compressed body and
response headers, as Chrome counts them), until the network is quiet.

    .venv/bin/python bench/site_bytes.py [--pages /boka/ /] [--list]

``make bench`` runs it after the DynamoDB figures (bench/run.py).

Before the clinic look (issue 15), measured 2026-12-02 on this machine:
/boka/ 127 047 bytes in 18 requests (site 124 793, API 2 254), of which
Material's search (worker, lunr, index) about 31 kB and Material's CSS 23.6 kB.
After it (the clinic's own layout, stylesheet and per-page scripts): /boka/
33 663 bytes in 9 requests (site 31 409, API 2 254); / 16 793 bytes in 6.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from site_stack import served_site  # noqa: E402  (bench/site_stack.py)

CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "chromium"  # Debian's, on PATH
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def measure(browser, url: str, viewport: dict[str, int]) -> list[tuple[str, int]]:
    """(url, bytes on the wire) of every request a first visit of ``url`` makes, in order, workers'
    requests too: compressed body and response headers (Playwright's request.sizes(), from Chrome)."""
    context = browser.new_context(viewport=viewport, locale="sv-SE", timezone_id="Europe/Stockholm")
    page = context.new_page()
    seen: list = []
    done: dict[int, int] = {}
    last = [time.monotonic()]

    def started(request) -> None:
        seen.append(request)
        last[0] = time.monotonic()

    def finished(request) -> None:
        if request.url.startswith("data:"):
            done[id(request)] = 0
        else:
            sizes = request.sizes()
            body = sizes["responseBodySize"]
            response = request.response()
            if not body and response is not None:  # Chrome gives a worker's script no body size
                body = int(response.headers.get("content-length") or 0)
            done[id(request)] = body + sizes["responseHeadersSize"]
        last[0] = time.monotonic()

    context.on("request", started)
    context.on("requestfinished", finished)
    context.on("requestfailed", finished)
    page.goto(url, wait_until="load")
    while time.monotonic() - last[0] < 1.5 or len(done) < len(seen):
        page.wait_for_timeout(100)
        if time.monotonic() - last[0] > 10:
            break
    found = [(request.url, done.get(id(request), 0)) for request in seen if not request.url.startswith("data:")]
    context.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", default=["/boka/"])
    parser.add_argument("--list", action="store_true", help="print every request")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    os.environ.pop("ALLAVIE_NOW", None)  # bench/run.py pins the API's clock; the page's days are today's
    with served_site("bytes") as served:
        print("Bytes of a first visit (empty cache), every request, as served (gzip), headers included\n")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for path in args.pages:
                for name, viewport in (("phone 390x844", {"width": 390, "height": 844}),):
                    found = measure(browser, served.site_url + path, viewport)
                    own = sum(n for u, n in found if u.startswith(served.site_url))
                    to_api = sum(n for u, n in found if u.startswith(served.api_url))
                    print(f"{path:<10} {name:<14} {sum(n for _, n in found):>8} bytes in {len(found)} requests"
                          f" (site {own}, API {to_api})")
                    if args.list:
                        for u, n in found:
                            parts = urlsplit(u)
                            where = "API " if u.startswith(served.api_url) else ""
                            print(f"    {n:>8}  {where}{parts.path}{'?' + parts.query if parts.query else ''}")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
