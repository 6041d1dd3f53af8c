"""The pages of the built site, as its sitemap names them (every engineer's pages)."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit


def every_page(site_url: str) -> list[str]:
    """Every page path in the sitemap, with its translations (``/x/`` and ``/en/x/``)."""
    with urllib.request.urlopen(site_url + "/sitemap.xml") as answer:
        tree = ET.fromstring(answer.read())
    paths: set[str] = set()
    for element in tree.iter():
        href = element.text if element.tag.endswith("loc") else element.get("href")
        if href:
            paths.add(urlsplit(href).path)
    return sorted(paths)
