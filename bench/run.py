"""Booking benchmark: DynamoDB requests and median latency per operation.

Starts its own DynamoDB Local (in memory, a free port), runs the API in
process (Chalice's test client: routes, middleware, domain, e-mails to a
temporary outbox) and counts every DynamoDB request with a botocore
``before-call`` hook on pynamodb's clients. The clock is pinned
(ALLAVIE_NOW) so that every run books the same days. Last, the size of the
Lambda's deployment.zip as `make plan` or `make deploy` last packaged it. Then bench/cost.py: what it costs
to run (units, milliseconds, the owner's report on a busy year, the monthly bill).

    make bench            # or: .venv/bin/python bench/run.py [--runs N]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from allavie.local import servers  # installed with the project (pyproject.toml)

ROOT = Path(__file__).resolve().parents[1]

NOW = "2027-03-01T08:00:00+01:00"  # a Monday; the bookings below are in the weeks after


class Counter:
    """Counts DynamoDB requests by operation name, from botocore's event hook."""

    def __init__(self) -> None:
        self.calls: collections.Counter[str] = collections.Counter()
        self.hooked: set[int] = set()

    def hook(self, model: Any, **_: Any) -> None:
        self.calls[str(model.name)] += 1

    def install(self) -> None:
        from chalicelib.store import connection as db

        for cls in db.all_models():
            client = cls._get_connection().connection.client
            if id(client) not in self.hooked:
                client.meta.events.register("before-call.dynamodb", self.hook)
                self.hooked.add(id(client))

    def take(self) -> collections.Counter[str]:
        taken, self.calls = self.calls, collections.Counter()
        return taken


def at(day: dt.date, time_of_day: str) -> str:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time.fromisoformat(time_of_day), ZoneInfo("Europe/Stockholm")).isoformat()


def manage_link(outbox: Path, booking_id: str, drain: Callable[[], Any] = lambda: None) -> dict[str, str]:
    """The token and booking id of the manage link in the confirmation e-mail, as a customer would click it
    (``drain`` first: the e-mail leaves through the table's stream)."""
    import email
    import email.policy

    drain()
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        for word in text.split():
            if "/hantera/#t=" in word and word.endswith(f"&b={booking_id}"):
                return dict(parse_qsl(urlsplit(word).fragment))
    raise SystemExit(f"no manage link for booking {booking_id} in the outbox")


def workdays(first: dt.date, count: int) -> list[dt.date]:
    from chalicelib.core import clinic

    current = clinic.current()
    days, day = [], first
    while len(days) < count:
        if current.hours_on(day) is not None and day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="times each operation runs (default 20)")
    parser.add_argument("--users", type=int, default=50, help="simulated visitors of the load run (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the load run (default 60)")
    args = parser.parse_args()

    import cold_start  # bench/ is on sys.path as the script's own folder

    fast_enough = cold_start.report(15)
    dynamo = servers.start_dynamodb(servers.free_port())
    outbox = Path(tempfile.mkdtemp(prefix="allavie-bench-outbox-"))
    saved = dict(os.environ)
    try:
        env = servers.app_env(dynamodb_url=dynamo.url, stripe_url="http://127.0.0.1:9", api_url="http://127.0.0.1:8001",
                              site_url="http://127.0.0.1:8000", outbox=outbox, table="allavie")
        env["ALLAVIE_NOW"] = NOW
        os.environ.update(env)
        booked = run(args.runs, outbox)
    finally:
        # The pinned clock is this part's alone: the load run's visitors ask for today's days.
        os.environ.clear()
        os.environ.update(saved)
        dynamo.stop()
        for file in outbox.glob("*"):
            file.unlink()
        outbox.rmdir()
    import load  # bench/load.py: locust against chalice local, its own stack

    loaded = load.report(users=args.users, seconds=args.seconds)
    print()
    import site_bytes  # bench/site_bytes.py: what the booking page transfers on a first visit

    sized = site_bytes.main(["--pages", "/boka/", "/"])
    print()
    import cost  # bench/cost.py: units and milliseconds per operation, the report on a busy year, the monthly bill

    costed = cost.main()
    return max(booked, 0 if fast_enough else 1, loaded, sized, costed)


def run(runs: int, outbox: Path) -> int:
    from allavie.local import stream_pump
    from app import app
    from chalice.test import Client
    from chalicelib.store import connection as db

    db.ensure_table()
    pump = stream_pump.from_environment()  # sends the outbox's messages, as the stream's Lambda does
    counter = Counter()
    results: dict[str, tuple[list[collections.Counter[str]], list[float]]] = {}

    # The local outbox prints each message and its links (for make dev); here they would bury the figures.
    with Client(app, stage_name="local") as client, contextlib.redirect_stdout(io.StringIO()):
        headers = {"Content-Type": "application/json"}

        def call(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
            extra = {"Authorization": f"Bearer {token}"} if token else {}
            raw = json.dumps(body) if body is not None else ""
            response = client.http.request(method, path, headers={**headers, **extra}, body=raw.encode())
            if response.status_code >= 300:
                raise SystemExit(f"{method} {path}: {response.status_code} {response.body!r}")
            return json.loads(response.body)

        call("GET", "/health")
        counter.install()  # every model's client exists now
        counter.take()

        def measure(name: str, operation: Callable[[], Any]) -> Any:
            counter.take()
            started = time.perf_counter()
            value = operation()
            elapsed = (time.perf_counter() - started) * 1000
            counts, times = results.setdefault(name, ([], []))
            counts.append(counter.take())
            times.append(elapsed)
            return value

        settings_figures(runs, call, measure)
        days = workdays(dt.date(2027, 3, 8), runs * 2)
        links: list[dict[str, str]] = []
        for i in range(runs):
            day = days[i]
            name = "Kund " + chr(ord("A") + i % 26) * (1 + i // 26)  # a name is letters (core.fields.name)
            body = {"service": "konsultation", "start": at(day, "10:00"), "staff": "sara", "name": name,
                    "email": f"kund{i}@example.se", "phone": "070-123 45 67", "marketing": {"email": False, "sms": False}}
            booked = measure("book (new customer)", lambda body=body: call("POST", "/bookings", body))
            again = {**body, "start": at(days[runs + i], "15:00")}  # a later visit: their expiry moves
            measure("book (returning, later visit)", lambda again=again: call("POST", "/bookings", again))
            links.append(manage_link(outbox, booked["booking"]["id"], pump.drain))

        first = dt.date(2027, 3, 8)
        for _ in range(runs):
            measure("availability (31 days, any staff)", lambda: call(
                "GET", f"/availability?service=konsultation&from={first}&to={first + dt.timedelta(days=30)}"))
        session = staff_session()
        for _ in range(runs):
            # The back office's calendar of every staff member: a Query per month, one of the blocks, a BatchGetItem
            # of the profiles, and the access log of the customers shown (one transaction per hundred).
            measure("staff calendar (31 days, all staff)", lambda: call(
                "GET", f"/staff/calendar?from={first}&to={first + dt.timedelta(days=30)}", None, session))
        for i, link in enumerate(links):
            target = at(days[runs + i], "11:00")
            measure("reschedule", lambda link=link, target=target: call(
                "POST", f"/bookings/{link['b']}/reschedule", {"start": target}, link["t"]))
        for link in links:
            # The reschedule e-mail carries a fresh link, but the first one is valid until the old start too.
            measure("cancel", lambda link=link: call("POST", f"/bookings/{link['b']}/cancel", None, link["t"]))

    print(f"DynamoDB requests and median latency per operation ({runs} runs each, DynamoDB Local, in-process API)\n")
    print(f"{'operation':36} {'requests':>8}  {'median ms':>9}  requests by kind")
    ok = True
    for name, (counts, times) in results.items():
        totals = sorted(sum(c.values()) for c in counts)
        typical = max(counts, key=lambda c: sum(c.values()))
        kinds = " ".join(f"{kind}×{n}" for kind, n in sorted(typical.items()))
        spread = f"{totals[0]}" if totals[0] == totals[-1] else f"{totals[0]}-{totals[-1]}"
        print(f"{name:36} {spread:>8}  {statistics.median(times):9.1f}  {kinds}")
    new = results["book (new customer)"][0]
    reads = {"GetItem", "Query", "BatchGetItem", "TransactGetItems", "Scan"}
    for counts in new:
        slot_part = counts.copy()
        others = set(slot_part) - reads - {"TransactWriteItems"}
        if slot_part["TransactWriteItems"] != 1 or sum(slot_part[k] for k in reads) > 1 or others:
            ok = False
    print("\nbook = one TransactWriteItems (booking + slot locks + customer + e-mail key + consents + the confirmation"
          " e-mail,\na queued Message the table's stream sends) and one GetItem (the e-mail key). A returning customer"
          " adds one Query\nof their partition (the limits) and the retention cascade (expiry.refresh: one Query and one"
          " transaction moving their expiry)."
          f"\ncheck: {'OK' if ok else 'FAILED'}")
    print(f"\n{package_size()}")
    return 0 if ok else 1


def settings_figures(runs: int, call: Callable[..., Any], measure: Callable[[str, Callable[[], Any]], Any]) -> None:
    """The clinic's settings: a cold container's first /services (one GetItem and the parse), the warm ones (none),
    and the first /services a minute after another container saved a price. The settings cache's clock is the
    bench's from here on, so the operations after this part never meet a stale cache by chance."""
    from chalicelib.core import clock
    from chalicelib.core.clinic import live
    from chalicelib.staff import settings as staff_settings
    from chalicelib.store import settings as settings_store

    moved = [0.0]
    live.LIVE.clock = lambda: moved[0]
    live.LIVE.max_age = live.MAX_AGE_SECONDS
    live.LIVE.forget()
    measure("services (cold container)", lambda: call("GET", "/services"))
    for _ in range(runs):
        measure("services (warm, within the minute)", lambda: call("GET", "/services"))
    for i in range(runs):
        version, values = staff_settings.current()
        values["treatments"][1]["price_sek"] = 900 + i
        settings_store.write(version, values, "treatments", None, None, "bench", clock.now())
        moved[0] += live.MAX_AGE_SECONDS
        answer = measure("services (a minute after a change)", lambda: call("GET", "/services"))
        if answer["services"][1]["price_sek"] != 900 + i:
            raise SystemExit("GET /services did not follow the settings within a minute")


def staff_session() -> str:
    """A signed-in staff member for the calendar, written as the sign-in's transaction writes it."""
    from chalicelib.core import clinic, clock
    from chalicelib.staff import sessions
    from chalicelib.store import tx

    member = clinic.current().staff_member("sara")
    assert member is not None
    session_id, item = sessions.new_session(member, clock.now())
    tx.put(item)
    return session_id


def package_size() -> str:
    """The Lambda's deployment.zip as `make plan` or `make deploy` last packaged it."""
    import zipfile

    from allavie import build

    latest = build.latest_zip()
    if latest is None:
        return "deployment.zip: not packaged yet (make plan STAGE=prod packages it)"
    with zipfile.ZipFile(latest) as archive:
        complete = any(name.startswith("pynamodb/") for name in archive.namelist())
    note = "" if complete else ", without its libraries (packaged offline)"
    return f"{build.size_line(latest)}{note}  [{latest.relative_to(ROOT)}]"


if __name__ == "__main__":
    sys.exit(main())
