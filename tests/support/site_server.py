"""Build the site once and serve it on 127.0.0.1 with the security headers
of site/security-headers.json, as CloudFront serves them in AWS."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


def security_headers(api_url: str) -> dict[str, str]:
    raw = json.loads((ROOT / "site" / "security-headers.json").read_text(encoding="utf-8"))
    parts = urlsplit(api_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return {k: v.replace("{api_origin}", origin) for k, v in raw.items() if not k.startswith("_")}


def build(out: Path, api_url: str, site_url: str) -> None:
    env = {**os.environ, "API_URL": api_url, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    subprocess.run([str(mkdocs), "build", "--quiet", "--site-dir", str(out)], cwd=ROOT, env=env, check=True)


class _Handler(SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass


def serve(directory: Path, port: int, headers: dict[str, str]) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"headers_to_send": headers})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
