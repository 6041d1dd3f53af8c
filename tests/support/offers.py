"""Offers for the tests: wait, bounded, until an offer has gone out."""

from __future__ import annotations

import time
from typing import Any

from support.outbox import settle
from support.staff import call


def finish(api, session: str, offer_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Hand the stream to the app's handlers until the offer is sent (bounded); then its last messages go."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        settle()
        status, got = call(api, "GET", f"/staff/offers/{offer_id}", session=session)
        assert status == 200, got
        if got["offer"]["status"] == "sent":
            settle()
            return got["offer"]
        time.sleep(0.1)
    raise AssertionError(f"offer {offer_id} not sent within {timeout} s")
