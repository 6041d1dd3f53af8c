"""Lighthouse scores of the site, mobile: the start page and the booking page.

Builds the site, starts the API it talks to (DynamoDB Local in memory,
localstripe, chalice local), serves the build on 127.0.0.1 with the security
headers of site/security-headers.json and text compression (as CloudFront
serves it), runs node_modules/.bin/lighthouse (12.x) in Debian's Chromium and
prints performance, accessibility, best practices and SEO for each page.

    .venv/bin/python bench/lighthouse.py [--pages / /boka/] [--keep DIR]

Lighthouse's own mobile emulation: a mid-range phone, slow 4G, 4x CPU slowdown.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from site_stack import served_site  # noqa: E402  (bench/site_stack.py)

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = " ".join([
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
])
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


def run_lighthouse(url: str, out: Path) -> tuple[dict[str, float | None], dict]:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or shutil.which("chromium") or "chromium"}
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
         "--only-categories=" + ",".join(CATEGORIES), f"--chrome-flags={CHROME_FLAGS}"],
        env=env, check=True,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    return {name: report["categories"][name]["score"] for name in CATEGORIES}, report


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits that cost points in one category, worst first."""
    refs = report["categories"][category]["auditRefs"]
    found = []
    for ref in refs:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
            found.append((ref["weight"] * (1 - audit["score"]), f"{audit['id']} ({audit.get('displayValue') or audit['score']})"))
    return [text for _, text in sorted(found, reverse=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="+", default=["/", "/boka/"])
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this directory")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("node_modules/.bin/lighthouse is missing: run `npm ci`", file=sys.stderr)
        return 2

    with served_site("lighthouse") as served:
        reports = args.keep or served.work
        reports.mkdir(parents=True, exist_ok=True)
        print(f"{'page':<14}" + "".join(f"{name:>16}" for name in CATEGORIES))
        below: list[str] = []
        for path in args.pages:
            name = path.strip("/").replace("/", "-") or "start"
            scores, report = run_lighthouse(served.site_url + path, reports / f"lighthouse-{name}.json")
            print(f"{path:<14}" + "".join(f"{'-' if s is None else round(s * 100):>16}" for s in scores.values()), flush=True)
            for category, score in scores.items():
                if score is not None and score < 0.95:
                    below.append(f"{path} {category}: " + ", ".join(failing_audits(report, category)[:4]))
        for line in below:
            print("below 95 ->", line)
        if args.keep:
            print(f"reports in {args.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
