"""Routes of the retention capability (see app.py for the table of contents).

Not HTTP: two Lambda functions that end personal data on time.

- ``cascade_ttl_deletions``: the table's stream. When DynamoDB's TTL deletes a
  customer's profile, delete what is left of that customer (retention.sweeper.cascade).
  In the packaged template its event source is ``CascadeTtlDeletionsDynamodbEventSource``;
  the deploy wires ``TABLE_STREAM_ARN`` (the table's ``StreamArn``, view
  ``NEW_AND_OLD_IMAGES`` or ``OLD_IMAGE``). Without it, packaging still works with
  a placeholder ARN.
- ``sweep_expired``: every night, what TTL has not deleted yet (TTL may take
  two days; DynamoDB Local never does it).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from typing import Any

from chalice import Blueprint, Cron

from ..core import clock
from ..store import connection

bp = Blueprint(__name__)
log = logging.getLogger(__name__)
SAFETY_SECONDS = 5  # stop sweeping this long before the Lambda's timeout

# Read when the app is loaded (packaging and Lambda); the placeholder only keeps `chalice package` working locally.
PLACEHOLDER_STREAM_ARN = "arn:aws:dynamodb:eu-north-1:000000000000:table/allavie/stream/1970-01-01T00:00:00.000"


@bp.on_dynamodb_record(
    stream_arn=os.environ.get("TABLE_STREAM_ARN") or PLACEHOLDER_STREAM_ARN,
    batch_size=100,
    starting_position="TRIM_HORIZON",
)
def cascade_ttl_deletions(event: Any) -> dict[str, int]:
    """For each TTL deletion of a profile, delete the rest of that customer.

    A failure raises, so Lambda delivers the batch again; the cascade is idempotent.
    """
    from ..retention import sweeper

    connection.bind()
    cascaded = 0
    for record in event:
        deletion = sweeper.ttl_deletion(record.to_dict())
        if deletion is not None:
            sweeper.cascade(deletion, clock.now())
            cascaded += 1
    return {"cascaded": cascaded}


@bp.schedule(Cron(30, 1, "*", "*", "?", "*"))  # 01:30 UTC: after midnight in Stockholm, summer and winter
def sweep_expired(event: Any) -> dict[str, Any]:
    """Delete what expired by the end of yesterday (Stockholm)."""
    from ..retention import sweeper

    connection.bind()
    now = clock.now()
    as_of = clock.local(now).date() - dt.timedelta(days=1)
    report = sweeper.sweep(as_of, now, reason="schedule", deadline=_deadline(event))
    answer: dict[str, Any] = {"as_of": as_of.isoformat(), "customers": report.customers, "items": dict(report.items),
                              "kept": report.kept}
    if report.left:
        answer["left"] = report.left  # after an outage: the next night goes on
    return answer


def _deadline(event: Any) -> float | None:
    """Some seconds before the Lambda's own timeout, on the clock ``time.monotonic`` keeps."""
    remaining = getattr(getattr(event, "context", None), "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return time.monotonic() + max(remaining() / 1000 - SAFETY_SECONDS, 1)
