"""Routes of the messages capability (see app.py for the table of contents).

Not HTTP: the outbox's two Lambda functions (messages.outbox).

- ``send_messages``: the table's stream (the same stream as the TTL cascade; the deploy wires
  ``TABLE_STREAM_ARN``). Each Message that has just become queued is claimed and sent. A failed
  send stays queued for the retry; the batch itself never fails for it, so one bad message cannot
  hold the stream up.
- ``retry_messages``: every five minutes, the queued messages whose next attempt has come.
"""

from __future__ import annotations

import os
from typing import Any

from chalice import Blueprint, Rate

from ..core import clock
from ..store import connection
from .retention import PLACEHOLDER_STREAM_ARN

bp = Blueprint(__name__)


@bp.on_dynamodb_record(
    stream_arn=os.environ.get("TABLE_STREAM_ARN") or PLACEHOLDER_STREAM_ARN,
    batch_size=100,
    starting_position="TRIM_HORIZON",
)
def send_messages(event: Any) -> dict[str, int]:
    """Send the messages the batch queued."""
    from ..messages import outbox

    connection.bind()
    return outbox.handle_records((record.to_dict() for record in event), clock.now())


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def retry_messages(event: Any) -> dict[str, int]:
    """Every five minutes: what the stream could not send, once its next attempt has come."""
    from ..messages import outbox

    connection.bind()
    return outbox.send_due(clock.now())
