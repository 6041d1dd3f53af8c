"""The static site: build it with MkDocs and serve a build on 127.0.0.1 the
way CloudFront serves it in AWS (the security headers of
site/security-headers.json, gzip). Used by the tests, the Lighthouse bench
and the deployment, so all three see the same site."""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from . import ROOT

SECURITY_HEADERS_FILE = ROOT / "site" / "security-headers.json"
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


class SiteBuildError(RuntimeError):
    """mkdocs build failed; the message is its output."""


def api_origin(api_url: str) -> str:
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(origin: str, path: Path = SECURITY_HEADERS_FILE, *, photos_origin: str | None = None) -> dict[str, str]:
    """The headers defined once in site/security-headers.json, ``{api_origin}`` and ``{photos_origin}``
    (the photo bucket's origin; left out when not given) filled in."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    bucket = f" {photos_origin}" if photos_origin else ""
    return {name: str(value).replace("{api_origin}", origin).replace(" {photos_origin}", bucket)
            for name, value in raw.items() if not name.startswith("_")}


def build(out: Path, *, api_url: str, site_url: str, clean: bool = False) -> int:
    """Build the site into ``out`` for an API at ``api_url``; returns the number of files."""
    env = {**os.environ, "API_URL": api_url, "SITE_URL": site_url.rstrip("/") + "/", "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs), "build", "--quiet", "--site-dir", str(out)] + (["--clean"] if clean else [])
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SiteBuildError(result.stderr.strip() or result.stdout.strip())
    return sum(1 for file in out.rglob("*") if file.is_file())


SITE_DIR = ROOT / "site"
PAGE_LIST = ROOT / "functions" / "chalicelib" / "cookies" / "pages.txt"


def page_paths(site: Path = SITE_DIR) -> list[str]:
    """The site's page paths as a browser shows them (``/``, ``/boka/``, ``/en/kontakt/``): what the API counts
    views of (``PAGE_LIST``, which ``write_page_list`` writes and a unit test keeps equal to the pages)."""
    found = set()
    for page in site.rglob("*.md"):
        parts = list(page.relative_to(site).with_suffix("").parts)
        english = parts[-1].endswith(".en")
        parts[-1] = parts[-1].removesuffix(".en")
        if parts[-1] == "index":
            parts.pop()
        found.add("/" + "".join(f"{p}/" for p in (["en"] if english else []) + parts))
    return sorted(found)


def write_page_list(path: Path = PAGE_LIST) -> None:
    path.write_text("# The site's pages (infra/allavie/site_build.py write_page_list): the only paths counted.\n"
                    + "".join(f"{p}\n" for p in page_paths()), encoding="utf-8")


class _Handler(SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def send_head(self) -> BinaryIO | io.BytesIO | None:  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to "dir/"
            path = path / "index.html"
        wants_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
        if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=300")
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass


def serve(directory: Path, port: int, headers: dict[str, str]) -> ThreadingHTTPServer:
    """Serve a build on 127.0.0.1:``port`` in a background thread; ``shutdown()`` stops it."""
    handler = type("SiteHandler", (_Handler,), {"headers_to_send": headers})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
