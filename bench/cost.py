"""What the platform costs to run: DynamoDB units and Lambda milliseconds per operation, the owner's report on a
year of a busy clinic, and the monthly AWS bill for a clinic of this size beside a marketplace's fee.

Starts its own DynamoDB Local and localstripe (free ports), runs the API in process (Chalice's test client)
with the clock pinned, and meters every DynamoDB call through botocore's hooks on the store's client
(``chalicelib.store.metering``: requests, and the capacity units DynamoDB reports with
ReturnConsumedCapacity). A Lambda's milliseconds are the in-process time of the call, its stream work
included (DynamoDB Local is slower than DynamoDB; the figure is an upper bound for billing).

    .venv/bin/python bench/cost.py        (make bench runs it too)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "infra"))

from allavie.local import servers  # noqa: E402

NOW = "2027-03-01T08:00:00+01:00"  # a Monday

# --- prices (eu-north-1, on-demand), as published on aws.amazon.com/<service>/pricing, read 2026-12-07 ---------
PRICES_DATE = "2026-12-07"
USD_SEK = 10.5                      # Riksbanken's rate around that date, rounded
DYNAMODB_WRITE_PER_MILLION = 0.6638  # USD per million write request units (on-demand, eu-north-1)
DYNAMODB_READ_PER_MILLION = 0.1328   # USD per million read request units
DYNAMODB_STREAM_READ_PER_100K = 0.0212  # USD per 100,000 GetRecords calls (Lambda's own reads of the stream are free)
DYNAMODB_STORAGE_GB = 0.2655         # USD per GB-month (a clinic stores well under 1 GB; the first 25 GB are free)
LAMBDA_GB_SECOND = 0.0000166667      # USD per GB-second (x86)
LAMBDA_REQUEST_PER_MILLION = 0.20
LAMBDA_MEMORY_GB = 0.5               # lambda_memory_size in functions/.chalice/config.json
API_GATEWAY_PER_MILLION = 3.50       # REST API requests
SES_PER_THOUSAND = 0.10              # e-mails
SMS_SWEDEN = 0.0633                  # USD per SMS to a Swedish mobile (AWS End User Messaging, transactional)
CLOUDFRONT_GB = 0.085                # USD per GB out (Europe); 1 TB a month is free, so a clinic's site costs 0 here

# --- the clinic's month ----------------------------------------------------------------------------------------
BOOKINGS = 600
VISITS = 15_000
MESSAGES = 2_000
SMS_SHARE = 0.3                      # of the messages: reminders by SMS, the rest e-mail
AVERAGE_PRICE_SEK = 1_000
# A marketplace: Fresha's fee model, published at https://www.fresha.com/pricing (read 2026-12-07): no
# subscription, a "new client fee" of 20 % of the first booking's value for each new client the marketplace
# brings (minimum about 60 kr), plus card processing. Assumed here: a quarter of the month's bookings are new
# clients found through the marketplace; card fees are left out on both sides (Stripe charges as Fresha does).
MARKETPLACE_FEE = 0.20
MARKETPLACE_NEW_SHARE = 0.25


@dataclass
class Measured:
    requests: int
    read_units: float
    write_units: float
    ms: float
    kinds: dict[str, int]


def measure(operation: Callable[[], Any], pump: Any = None) -> tuple[Measured, Any]:
    """Run ``operation`` (and then the stream's handlers on what it wrote) under the meter."""
    from chalicelib.store import metering

    with metering.counting() as meter:
        started = time.perf_counter()
        value = operation()
        if pump is not None:
            pump.drain()
        elapsed = (time.perf_counter() - started) * 1000
    return Measured(meter.total, meter.read_units, meter.write_units, elapsed, dict(meter.requests)), value


def at(day: dt.date, time_of_day: str) -> str:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time.fromisoformat(time_of_day), ZoneInfo("Europe/Stockholm")).isoformat()


def operations(client: Any, pump: Any, stripe_url: str) -> tuple[dict[str, Measured], str]:
    from chalicelib.booking import paid, reminders
    from chalicelib.core import clinic, clock
    from chalicelib.staff import sessions
    from chalicelib.store import tx

    def call(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        response = client.http.request(method, path, headers=headers, body=json.dumps(body).encode() if body else b"")
        if response.status_code >= 300:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.body!r}")
        return json.loads(response.body)

    call("GET", "/health")
    found: dict[str, Measured] = {}
    day = dt.date(2027, 3, 9)
    found["visit (availability, 7 days)"], _ = measure(lambda: call(
        "GET", f"/availability?service=kemisk-peeling&from={day}&to={day + dt.timedelta(days=6)}"))
    body = {"service": "kemisk-peeling", "start": at(day, "10:00"), "staff": "sara", "name": "Kund Ek",
            "email": "kund@example.se", "phone": "070-123 45 67", "marketing": {"email": False, "sms": False}}

    def book_and_pay() -> None:
        made = call("POST", "/bookings", body)
        intent = made["payment"]["client_secret"].split("_secret_")[0]
        import stripe

        stripe_client = stripe.StripeClient(servers.LOCAL_STRIPE_SECRET, base_addresses={"api": stripe_url})
        stripe_client.v1.payment_intents.update(intent, params={"payment_method": "pm_card_visa"})
        stripe_client.v1.payment_intents.confirm(intent)
        assert paid.payment_succeeded(intent, clock.now()) == "confirmed"  # what the webhook does

    found["booking with payment (+ stream)"], _ = measure(book_and_pay, pump)
    reminder_time = dt.datetime.fromisoformat(at(day, "10:00")) - dt.timedelta(hours=23)
    found["reminder (+ stream)"], _ = measure(lambda: reminders.send_due(reminder_time), pump)
    member = clinic.current().staff_member("anna")
    assert member is not None
    session_id, item = sessions.new_session(member, clock.now())
    tx.put(item)
    found["staff day view"], _ = measure(lambda: call("GET", f"/staff/calendar?from={day}&to={day}", None,
                                                       session_id))
    found["report (31 days)"], _ = measure(lambda: call(
        "GET", "/staff/reports?from=2027-03-01&to=2027-03-31", None, session_id))
    return found, session_id


def busy_year(first: dt.date, days: int, per_day: int, seed: int = 7) -> int:
    """A busy clinic's year written as the booking and payment code write it (bookings, ledger rows, page
    counts), then its aggregates rebuilt from them. Returns the number of bookings."""
    from chalicelib.core import clinic
    from chalicelib.core.clock import STOCKHOLM
    from chalicelib.payments import ledger
    from chalicelib.reports import rebuild
    from chalicelib.store.models import Booking, Customer, Item, LedgerEntry, PageCount

    rng = random.Random(seed)
    services = [s for s in clinic.current().services if s.staff]
    customers = [uuid.uuid4().hex for _ in range(per_day * days // 8)]
    count = 0
    with Item.batch_write() as batch:
        for cid in customers:
            batch.save(Customer(*Customer.key(cid), customer_id=cid, name="Kund", email=f"{cid[:8]}@example.se",
                                created_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)))
        for n in range(days):
            day = first + dt.timedelta(days=n)
            if clinic.current().hours_on(day) is None:
                continue
            for slot in range(per_day):
                service = rng.choice(services)
                start = dt.datetime.combine(day, dt.time(9 + slot % 8, 0), STOCKHOLM).astimezone(dt.timezone.utc)
                bid, cid = uuid.uuid4().hex, rng.choice(customers)
                status = rng.choices(["completed", "no_show", "cancelled"], [90, 4, 6])[0]
                batch.save(Booking(*Booking.key(cid, bid), booking_id=bid, customer_id=cid, service_id=service.id,
                                   staff_id=rng.choice(service.staff), start=start,
                                   end=start + dt.timedelta(minutes=service.duration_minutes), locked_units=0,
                                   status=status, cancelled_by="customer" if status == "cancelled" else None,
                                   created_at=start - dt.timedelta(days=7), gsi1pk=f"CAL#{day:%Y-%m}",
                                   gsi1sk=f"{start.isoformat()}#{bid}"))
                if service.prepayment_sek:
                    ore = service.prepayment_sek * 100
                    batch.save(LedgerEntry(
                        ledger.ledger_pk(bid), f"payment#ch_{bid}", booking_id=bid, entry_type="payment",
                        amount_ore=ore, booked_on=day.isoformat(), payment_intent_id=f"pi_{bid}",
                        stripe_object_id=f"ch_{bid}", recorded_at=start, gsi1pk=ledger.year_pk(day.year),
                        gsi1sk=f"{day.isoformat()}#{bid}#payment#ch_{bid}", vat_percent=25, vat_ore=ore // 5))
                count += 1
            for path in ("/", "/boka/", "/behandlingar/", "/priser/"):
                batch.save(PageCount(f"STATS#{day.isoformat()}", path, views=rng.randint(5, 60)))
    rebuild.rebuild(first, first + dt.timedelta(days=days - 1), dt.datetime.now(dt.timezone.utc))
    return count


def monthly_cost(per_booking: Measured, visit: Measured, reminder: Measured, report: Measured) -> dict[str, float]:
    """USD per month for the clinic's month, from the measured units."""
    reminders_count = BOOKINGS
    reads = per_booking.read_units * BOOKINGS + visit.read_units * VISITS + reminder.read_units * reminders_count \
        + report.read_units * 30
    writes = per_booking.write_units * BOOKINGS + visit.write_units * VISITS + reminder.write_units * reminders_count \
        + report.write_units * 30
    lambda_ms = per_booking.ms * BOOKINGS + visit.ms * VISITS + reminder.ms * reminders_count + report.ms * 30
    invocations = BOOKINGS * 4 + VISITS * 2 + reminders_count * 2 + 30  # API calls and the stream's batches
    sms = MESSAGES * SMS_SHARE
    return {
        # the stream's GetRecords by Lambda are free (DYNAMODB_STREAM_READ_PER_100K is for other readers)
        "dynamodb": reads / 1e6 * DYNAMODB_READ_PER_MILLION + writes / 1e6 * DYNAMODB_WRITE_PER_MILLION,
        "lambda": lambda_ms / 1000 * LAMBDA_MEMORY_GB * LAMBDA_GB_SECOND + invocations / 1e6 * LAMBDA_REQUEST_PER_MILLION,
        "api_gateway": (BOOKINGS * 3 + VISITS * 2) / 1e6 * API_GATEWAY_PER_MILLION,
        "ses": (MESSAGES - sms) / 1000 * SES_PER_THOUSAND,
        "sms": sms * SMS_SWEDEN,
        "cloudfront": 0.0,  # within the free terabyte
    }


def main() -> int:
    dynamo = servers.start_dynamodb(servers.free_port())
    stripe_server = servers.start_stripe(servers.free_port())
    outbox = Path(tempfile.mkdtemp(prefix="allavie-cost-outbox-"))
    saved = dict(os.environ)
    try:
        env = servers.app_env(dynamodb_url=dynamo.url, stripe_url=stripe_server.url, api_url="http://127.0.0.1:8001",
                              site_url="http://127.0.0.1:8000", outbox=outbox, table="allavie")
        env["ALLAVIE_NOW"] = NOW
        os.environ.update(env)
        return run(stripe_server.url)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        dynamo.stop()
        stripe_server.stop()
        for file in outbox.glob("*"):
            file.unlink()
        outbox.rmdir()


def run(stripe_url: str) -> int:
    from allavie.local import stream_pump
    from app import app
    from chalice.test import Client
    from chalicelib.store import connection as db

    db.ensure_table()
    pump = stream_pump.from_environment()
    with Client(app, stage_name="local") as client, contextlib.redirect_stdout(io.StringIO()):
        found, session = operations(client, pump, stripe_url)
        started = time.perf_counter()
        bookings = busy_year(dt.date(2026, 3, 1), 396, 10)
        generated = time.perf_counter() - started

        def report(first: str, last: str) -> Measured:
            def ask() -> None:
                response = client.http.get(f"/staff/reports?from={first}&to={last}",
                                           headers={"Authorization": f"Bearer {session}"})
                assert response.status_code == 200, response.body
            measure(ask)  # warm
            return measure(ask)[0]

        month, year = report("2027-03-01", "2027-03-31"), report("2026-03-31", "2027-03-31")
    print(f"What it costs to run (DynamoDB Local, API in process; prices eu-north-1 on-demand of {PRICES_DATE})\n")
    print(f"{'operation':34} {'requests':>8} {'RCU':>7} {'WCU':>7} {'ms':>8}  requests by kind")
    for name, m in found.items():
        kinds = " ".join(f"{k}×{n}" for k, n in sorted(m.kinds.items()))
        print(f"{name:34} {m.requests:8d} {m.read_units:7.1f} {m.write_units:7.1f} {m.ms:8.1f}  {kinds}")
    print(f"\na busy clinic: {bookings} bookings over 396 days, generated and rebuilt in {generated:.0f} s")
    print(f"report 31 days: {month.requests} requests ({month.read_units:.1f} RCU, {month.ms:.0f} ms)")
    print(f"report 366 days: {year.requests} requests ({year.read_units:.1f} RCU, {year.ms:.0f} ms)")
    cost = monthly_cost(found["booking with payment (+ stream)"], found["visit (availability, 7 days)"],
                        found["reminder (+ stream)"], found["report (31 days)"])
    total_sek = sum(cost.values()) * USD_SEK
    print(f"\nA month of {BOOKINGS} bookings, {VISITS:,} site visits, {MESSAGES:,} messages "
          f"({SMS_SHARE:.0%} SMS), USD {USD_SEK} kr:")
    for name, usd in cost.items():
        print(f"  {name:12} {usd * USD_SEK:9.2f} kr")
    print(f"monthly cost: {round(total_sek)} kr")
    fee = BOOKINGS * MARKETPLACE_NEW_SHARE * AVERAGE_PRICE_SEK * MARKETPLACE_FEE
    print(f"a marketplace's fee for the same month: {round(fee)} kr (Fresha's new-client fee, 20 % of the first "
          f"booking,\n  fresha.com/pricing; {MARKETPLACE_NEW_SHARE:.0%} of {BOOKINGS} bookings new through it at "
          f"{AVERAGE_PRICE_SEK} kr)")
    bounded = year.requests <= month.requests + 11
    print(f"check (a year's report within a month's + 11 requests): {'OK' if bounded else 'FAILED'}")
    return 0 if bounded else 1


if __name__ == "__main__":
    sys.exit(main())
