"""``allavie dev``, ``allavie init-table`` and ``allavie test-pay``: the local system."""

from __future__ import annotations

import argparse
import os
import sys

from ..local import dev, servers
from . import table


def run_dev(args: argparse.Namespace) -> int:
    try:
        return dev.run(dev.Settings.from_env())
    except servers.StackError as error:
        print(f"allavie dev: {error}", file=sys.stderr)
        return 2


def run_init_table(args: argparse.Namespace) -> int:
    created = dev.init_table(dict(os.environ))
    print("created" if created else "exists")
    return 0


def run_test_pay(args: argparse.Namespace) -> int:
    """Pay a PaymentIntent on localstripe with Stripe's test card, as a browser would on Stripe."""
    import stripe

    base = os.environ.get("STRIPE_API_BASE") or f"http://127.0.0.1:{dev.Settings.from_env().stripe_port}"
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
    parser = sub.add_parser("dev", help="run the whole system locally (site, API, DynamoDB Local, localstripe, the photo bucket)")
    parser.set_defaults(func=run_dev)
    init = sub.add_parser("init-table", help="create the table with TTL if it is missing (uses TABLE_NAME, DYNAMODB_ENDPOINT)")
    table.add_local_switch(init)
    init.set_defaults(func=table.reads_the_table(run_init_table))
    pay = sub.add_parser("test-pay", help="pay a PaymentIntent on localstripe with a test card (make dev only)")
    pay.add_argument("payment_intent", help="pi_... (the booking page names it in test mode)")
    pay.add_argument("--card", default="pm_card_visa", help="test payment method, e.g. pm_card_chargeCustomerFail to decline")
    pay.set_defaults(func=run_test_pay)
