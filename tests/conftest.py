"""Fixtures that start the real local servers on 127.0.0.1, only when a test
asks for them: unit tests start nothing.

- ``stack_env``: DynamoDB Local (in memory) + localstripe, and the environment
  the API reads (set in ``os.environ`` for in-process clients too).
- ``table``: the table, emptied before each test.
- ``client``: Chalice's in-process test client against those servers.
- ``api_url``: ``chalice local`` as a real HTTP server (concurrency, browser), with the stream pump
  that sends the outbox's messages (``api_server``; an ``any_day`` test gets one on its instant).
- ``outbox``: the messages the API sent, newest last (it drains the table's stream first).

``ALLAVIE_TEST_NOW`` (ISO 8601) runs the tests as if it were then: the app gets it as ``ALLAVIE_NOW``
(in process and in ``chalice local``), Chromium's clock is set to it, and ``support.clock`` answers
"today" from it. Tests marked ``any_day`` run at each of INSTANTS too (tests/functional/test_any_day.py).
Under pytest-xdist every worker is its own process with its own servers (free ports), table and outbox.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from allavie.local import servers
from support import clock
from support.browser import launch_chromium

# --- any day and hour ---------------------------------------------------------------------------------
# Tests marked ``any_day`` run at each of these moments as well as on the real clock: every weekday of one
# week (Ascension Day, a closed Thursday, in it), late in the evening, and both daylight-saving Sundays.
INSTANTS = {
    "mon": "2027-05-03T08:00:00+02:00",
    "tue": "2027-05-04T12:00:00+02:00",
    "wed": "2027-05-05T17:30:00+02:00",
    "thu-holiday": "2027-05-06T09:00:00+02:00",
    "fri": "2027-05-07T15:00:00+02:00",
    "sat": "2027-05-08T10:00:00+02:00",
    "sun": "2027-05-09T20:00:00+02:00",
    "23:50": "2027-05-11T23:50:00+02:00",
    "dst-spring": "2027-03-28T03:30:00+02:00",  # half an hour after 02:00 became 03:00
    "dst-autumn": "2027-10-31T02:30:00+01:00",  # the second 02:30 of the night
}


def pytest_configure(config: pytest.Config) -> None:
    if pinned := clock.pinned():  # the whole run at one moment: the app's clock in this process too
        os.environ["ALLAVIE_NOW"] = pinned


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("any_day"):
        # session scope: pytest runs the tests of one instant together (one pinned chalice local at a time)
        metafunc.parametrize("instant", [pytest.param(None, id="now"),
                                         *(pytest.param(moment, id=name) for name, moment in INSTANTS.items())],
                             indirect=True, scope="session")


@pytest.fixture()
def instant(request: pytest.FixtureRequest) -> str | None:
    """The moment an any-day test runs at (None: the run's clock, real or ALLAVIE_TEST_NOW)."""
    return getattr(request, "param", None)


@pytest.fixture(autouse=True)
def _at_instant(instant: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """An any-day test's instant is "now" for the test (support.clock) and for the app in this process."""
    if instant is not None:
        monkeypatch.setenv(clock.ENV, instant)
        monkeypatch.setenv("ALLAVIE_NOW", instant)


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
        extra={"S3_ENDPOINT": s3_url, "PHOTO_BUCKET": s3_server.BUCKET,
               **({"ALLAVIE_NOW": pinned} if (pinned := clock.pinned()) else {})},
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
def api_server(stack_env: dict[str, str], api_port: int) -> Iterator[str]:
    """``chalice local``, and beside it the stream pump that sends the outbox's messages (as in AWS)."""
    from allavie.local import stream_pump

    server = servers.start_api(api_port, stack_env)
    pump = stream_pump.start(stack_env)
    yield server.url
    pump.stop()
    server.stop()


class _PinnedApi:
    """``chalice local`` on the clock of one instant of the any-day runs; one at a time (pytest groups the
    tests of an instant together). No pump: the tests' ``outbox`` drains the stream in their own process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.instant, self.server = env, "", None

    def url(self, instant: str) -> str:
        if self.instant != instant or self.server is None:
            self.stop()
            port = servers.free_port()
            env = {**self.env, "ALLAVIE_NOW": instant, "API_URL": f"http://127.0.0.1:{port}"}
            self.server, self.instant = servers.start_api(port, env), instant
        return self.server.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture(scope="session")
def _pinned_api(stack_env: dict[str, str]) -> Iterator[_PinnedApi]:
    pinned = _PinnedApi(stack_env)
    yield pinned
    pinned.stop()


@pytest.fixture()
def api_url(request: pytest.FixtureRequest, instant: str | None) -> str:
    """The API over HTTP: the session's ``chalice local``, or for an any-day test one on that test's instant."""
    if instant is None:
        return str(request.getfixturevalue("api_server"))
    return str(request.getfixturevalue("_pinned_api").url(instant))


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

@pytest.fixture(scope="session")
def site_url(api_server: str, site_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site, served on 127.0.0.1 with its security headers, talking to ``api_url``."""
    from allavie import site_build as site

    port = site_port
    url = f"http://127.0.0.1:{port}"
    out = tmp_path_factory.mktemp("site")
    site.build(out, api_url=api_server, site_url=url + "/")
    os.environ["SITE_URL"] = url  # links in e-mails point at this site
    headers = site.security_headers(site.api_origin(api_server), photos_origin=os.environ["S3_ENDPOINT"])
    server = site.serve(out, port, headers)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, table: None) -> Iterator[object]:
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", accept_downloads=True)
    if pinned := clock.pinned():
        context.clock.set_fixed_time(pinned)  # the site's "today" is the app's
    new_page = context.new_page()
    yield new_page
    context.close()
