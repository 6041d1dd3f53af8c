"""The back office's pages (/personal/) stay out of search engines and the sitemap: a page whose
front matter says ``robots: noindex`` gets ``<meta name="robots" content="noindex">`` in its head,
and no URL of /personal/ is listed in sitemap.xml (the theme knows neither)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

PRIVATE = re.compile(r"/(en/)?personal/")
URL_ENTRY = re.compile(r"\s*<url>.*?</url>", re.S)


def on_post_page(output: str, page: Any, config: Any) -> str:
    robots = (page.meta or {}).get("robots")
    if not robots:
        return output
    tag = f'<meta name="robots" content="{robots}">'
    return output.replace("<head>", f"<head>\n    {tag}", 1)


def on_post_build(config: Any) -> None:
    sitemap = Path(config["site_dir"]) / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    kept = URL_ENTRY.sub(lambda m: "" if PRIVATE.search(m.group(0)) else m.group(0), text)
    sitemap.write_text(kept, encoding="utf-8")
    packed = sitemap.with_name("sitemap.xml.gz")
    if packed.is_file():
        packed.write_bytes(gzip.compress(kept.encode("utf-8"), mtime=0))
