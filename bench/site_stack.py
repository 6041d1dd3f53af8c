"""The built site and the API it talks to, on 127.0.0.1, for the benchmarks that load pages in Chromium
(bench/lighthouse.py, bench/site_bytes.py): DynamoDB Local in memory, localstripe, chalice local, and the
build served with the security headers and text compression CloudFront gives it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from allavie import site_build as site  # installed with the project (pyproject.toml)
from allavie.local import servers

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Served:
    site_url: str  # no trailing slash
    api_url: str
    work: Path  # a scratch folder, removed afterwards


@contextmanager
def served_site(name: str) -> Iterator[Served]:
    """Everything started for one benchmark run, and stopped (and its files removed) however it ends."""
    work = Path(tempfile.mkdtemp(prefix=f"allavie-{name}-"))
    stack = servers.Stack()
    site_server = None
    try:
        dynamodb = stack.add(servers.start_dynamodb(servers.free_port()))
        stripe = stack.add(servers.start_stripe(servers.free_port()))
        api_port, site_port = servers.free_port(), servers.free_port()
        site_url = f"http://127.0.0.1:{site_port}"
        env = servers.app_env(dynamodb_url=dynamodb.url, stripe_url=stripe.url, api_url=f"http://127.0.0.1:{api_port}",
                              site_url=site_url, outbox=work / "outbox", table=f"allavie_{name}")
        os.environ.update(env)
        from chalicelib.store import connection as db

        db.ensure_table()
        api = stack.add(servers.start_api(api_port, env))
        site.build(work / "site", api_url=api.url, site_url=site_url + "/")
        site_server = site.serve(work / "site", site_port, site.security_headers(site.api_origin(api.url)))
        yield Served(site_url=site_url, api_url=api.url, work=work)
    finally:
        if site_server:
            site_server.shutdown()
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)
