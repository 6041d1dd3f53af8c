"""Fixtures that start the real local servers on 127.0.0.1, only when a test
asks for them: unit tests start nothing.

- ``stack_env``: DynamoDB Local (in memory) + localstripe, and the environment
  the API reads (set in ``os.environ`` for in-process clients too).
- ``table``: the table, emptied before each test.
- ``client``: Chalice's in-process test client against those servers.
- ``api_url``: ``chalice local`` as a real HTTP server (concurrency, browser), with the stream pump
  that sends the outbox's messages.
- ``outbox``: the messages the API sent, newest last (it drains the table's stream first).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "infra"))
sys.path.insert(0, str(ROOT / "tests"))

from allavie.local import servers  # noqa: E402


@pytest.fixture(scope="session")
def outbox_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="session")
def dynamodb_url() -> Iterator[str]:
    server = servers.start_dynamodb(servers.free_port())
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def stripe_url() -> Iterator[str]:
    server = servers.start_stripe(servers.free_port())
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def s3_url() -> Iterator[str]:
    from allavie.local import s3_server

    server = s3_server.start_s3(servers.free_port())
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def api_port() -> int:
    return servers.free_port()


@pytest.fixture(scope="session")
def site_port() -> int:
    """Chosen before the API starts, so that links in e-mails point at the site the tests serve."""
    return servers.free_port()


@pytest.fixture(scope="session")
def stack_env(dynamodb_url: str, stripe_url: str, s3_url: str, api_port: int, site_port: int,
              outbox_dir: Path) -> Iterator[dict[str, str]]:
    from allavie.local import s3_server

    env = servers.app_env(
        dynamodb_url=dynamodb_url, stripe_url=stripe_url,
        api_url=f"http://127.0.0.1:{api_port}", site_url=f"http://127.0.0.1:{site_port}",
        outbox=outbox_dir, table="allavie_test",
        extra={"S3_ENDPOINT": s3_url, "PHOTO_BUCKET": s3_server.BUCKET},
    )
    s3_server.create_bucket(s3_url, f"http://127.0.0.1:{site_port}")
    saved = dict(os.environ)
    os.environ.update(env)
    from chalicelib.store import connection as db

    db.ensure_table()
    yield env
    os.environ.clear()
    os.environ.update(saved)


def _empty_table() -> None:
    """Delete every item (a Scan is fine in tests, never in the product)."""
    from chalicelib.store.models import Item

    with Item.batch_write() as batch:
        for item in Item.scan():
            batch.delete(item)


def _empty_bucket(env: dict[str, str]) -> None:
    from allavie.local import s3_server

    s3 = s3_server.client(env["S3_ENDPOINT"])
    keys = [{"Key": o["Key"]} for o in s3.list_objects_v2(Bucket=env["PHOTO_BUCKET"]).get("Contents", [])]
    if keys:
        s3.delete_objects(Bucket=env["PHOTO_BUCKET"], Delete={"Objects": keys})


@pytest.fixture()
def table(stack_env: dict[str, str], outbox_dir: Path) -> Iterator[None]:
    from chalicelib.store import connection as db
    from support.outbox import settle

    db.bind()
    settle()  # what the last test queued has gone out before its files and items are removed
    _empty_table()
    _empty_bucket(stack_env)
    from chalicelib.core import clinic

    clinic.forget()  # a settings test's changes are gone with the table: this process reads again
    for file in outbox_dir.glob("*"):
        file.unlink()
    yield


@pytest.fixture()
def client(table: None) -> Iterator[object]:
    from app import app  # functions/app.py
    from chalice.test import Client

    with Client(app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture(scope="session")
def api_url(stack_env: dict[str, str], api_port: int) -> Iterator[str]:
    """``chalice local``, and beside it the stream pump that sends the outbox's messages (as in AWS)."""
    from allavie.local import stream_pump

    server = servers.start_api(api_port, stack_env)
    pump = stream_pump.start(stack_env)
    yield server.url
    pump.stop()
    server.stop()


NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens


@pytest.fixture()
def stripe_webhooks(api_url: str, stripe_url: str) -> Iterator[str]:
    """localstripe delivers its signed events to chalice local during this test only.

    Off by default: a delivery comes about 1 s after its event, so a session-wide
    registration would drop one test's events into the next test's table.
    localstripe reads the URL when it delivers, so re-pointing it ends them.
    """
    servers.register_stripe_webhook(stripe_url, api_url)
    yield api_url
    servers.register_stripe_webhook(stripe_url, NOWHERE)


@pytest.fixture()
def outbox(outbox_dir: Path) -> object:
    from support.outbox import Outbox

    return Outbox(outbox_dir)


# --- the site and the browser -------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="session")
def site_url(api_url: str, site_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site, served on 127.0.0.1 with its security headers, talking to ``api_url``."""
    from allavie import site_build as site

    port = site_port
    url = f"http://127.0.0.1:{port}"
    out = tmp_path_factory.mktemp("site")
    site.build(out, api_url=api_url, site_url=url + "/")
    os.environ["SITE_URL"] = url  # links in e-mails point at this site
    headers = site.security_headers(site.api_origin(api_url), photos_origin=os.environ["S3_ENDPOINT"])
    server = site.serve(out, port, headers)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, table: None) -> Iterator[object]:
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", accept_downloads=True)
    new_page = context.new_page()
    yield new_page
    context.close()
