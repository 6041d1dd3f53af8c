"""``allavie dev``: the whole system on this machine, with real local servers."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from . import ROOT, s3_server, servers


def _port(variable: str, default: int) -> int:
    value = os.environ.get(variable, str(default))
    if not value.isdigit():
        raise servers.StackError(f"{variable}={value!r} is not a port number")
    return int(value)


def init_table(env: dict[str, str]) -> bool:
    """Create the table (TTL on) if it is missing; safe to run again."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "functions"))
    from chalicelib.store import connection as db

    return db.ensure_table()


def run_dev(args: argparse.Namespace) -> int:
    try:
        return _run_dev()
    except servers.StackError as error:
        print(f"allavie dev: {error}", file=sys.stderr)
        return 2


def _run_dev() -> int:
    site_port = _port("SITE_PORT", 8000)
    api_port = _port("API_PORT", 8001)
    dynamodb_port = _port("DYNAMODB_PORT", 8002)
    stripe_port = _port("STRIPE_PORT", 8420)
    s3_port = _port("S3_PORT", 8003)
    var = Path(os.environ.get("VAR_DIR") or ROOT / "var")
    outbox = Path(os.environ.get("OUTBOX_DIR") or var / "outbox")
    outbox.mkdir(parents=True, exist_ok=True)

    # A second `make dev` must fail cleanly before it starts anything (run_dev reports it).
    for port, name, variable in ((site_port, "site", "SITE_PORT"), (api_port, "API", "API_PORT"),
                                 (dynamodb_port, "DynamoDB Local", "DYNAMODB_PORT"),
                                 (stripe_port, "localstripe", "STRIPE_PORT"), (s3_port, "S3 (moto)", "S3_PORT")):
        servers.require_free(port, name, variable)

    stack = servers.Stack()
    trigger: s3_server.UploadTrigger | None = None

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        print("Starting DynamoDB Local (data in var/dynamodb) ...", flush=True)
        dynamo = stack.add(servers.start_dynamodb(dynamodb_port, db_path=var / "dynamodb"))
        print("Starting localstripe (in memory) ...", flush=True)
        stripe = stack.add(servers.start_stripe(stripe_port))
        print("Starting the photo bucket (moto's S3 server, in memory) ...", flush=True)
        s3 = stack.add(s3_server.start_s3(s3_port))
        api_url = f"http://127.0.0.1:{api_port}"
        site_url = f"http://127.0.0.1:{site_port}"
        env = servers.app_env(dynamodb_url=dynamo.url, stripe_url=stripe.url, api_url=api_url,
                              site_url=site_url, outbox=outbox,
                              extra={"S3_ENDPOINT": s3.url, "PHOTO_BUCKET": s3_server.BUCKET})
        s3_server.create_bucket(s3.url, site_url)
        created = init_table(env)
        trigger = s3_server.UploadTrigger(s3.url).start()  # what S3's notification does in AWS
        print("Table created." if created else "Table exists; kept its data.", flush=True)
        print("Starting the API (chalice local) ...", flush=True)
        stack.add(servers.start_api(api_port, env, quiet=False))
        servers.register_stripe_webhook(stripe.url, api_url)
        print("Starting the site (mkdocs serve) ...", flush=True)
        stack.add(servers.start_site(site_port, env, quiet=True))
        print(
            "\nAllavie is running:\n"
            f"  site        {site_url}/\n"
            f"  API         {api_url}/services\n"
            f"  DynamoDB    {dynamo.url} (DynamoDB Local listens on all interfaces: development machines only)\n"
            f"  localstripe {stripe.url}\n"
            f"  photos      {s3.url}/{s3_server.BUCKET} (moto, in memory; uploads cleaned in this process)\n"
            f"  outbox      {outbox}/ (every e-mail and SMS as a file)\n"
            "Press Ctrl-C to stop everything.",
            flush=True,
        )
        while all(s.proc.poll() is None for s in stack.servers):
            time.sleep(0.5)
        dead = [s.name for s in stack.servers if s.proc.poll() is not None]
        print(f"Stopped because {', '.join(dead)} ended.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        if trigger is not None:
            trigger.stop()
        stack.stop()


def run_init_table(args: argparse.Namespace) -> int:
    created = init_table(dict(os.environ))
    print("created" if created else "exists")
    return 0


def run_test_pay(args: argparse.Namespace) -> int:
    """Pay a PaymentIntent on localstripe with Stripe's test card, as a browser would on Stripe."""
    import stripe

    base = os.environ.get("STRIPE_API_BASE") or f"http://127.0.0.1:{_port('STRIPE_PORT', 8420)}"
    if not base.startswith(("http://127.0.0.1", "http://localhost")):
        print("allavie test-pay: only for localstripe on this machine", file=sys.stderr)
        return 2
    client = stripe.StripeClient(servers.LOCAL_STRIPE_SECRET, base_addresses={"api": base})
    try:
        # localstripe cannot take payment_method at confirm: set it on the intent first.
        client.v1.payment_intents.update(args.payment_intent, params={"payment_method": args.card})
        intent = client.v1.payment_intents.confirm(args.payment_intent)
    except stripe.StripeError as error:
        print(f"allavie test-pay: {error.user_message or error}", file=sys.stderr)
        return 1
    print(f"{intent.id}: {intent.status} (the webhook reaches the API in about a second)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    dev = sub.add_parser("dev", help="run the whole system locally (site, API, DynamoDB Local, localstripe)")
    dev.set_defaults(func=run_dev)
    init = sub.add_parser("init-table", help="create the table with TTL if it is missing (uses TABLE_NAME, DYNAMODB_ENDPOINT)")
    init.set_defaults(func=run_init_table)
    pay = sub.add_parser("test-pay", help="pay a PaymentIntent on localstripe with a test card (make dev only)")
    pay.add_argument("payment_intent", help="pi_... (the booking page names it in test mode)")
    pay.add_argument("--card", default="pm_card_visa", help="test payment method, e.g. pm_card_chargeCustomerFail to decline")
    pay.set_defaults(func=run_test_pay)
