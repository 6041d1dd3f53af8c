"""Records as DynamoDB Streams hands them to Lambda, for the tests that call the stream handlers."""

from __future__ import annotations

import datetime as dt

from chalicelib.core import clock
from chalicelib.store.models import Item

STREAM_ARN = "arn:aws:dynamodb:eu-north-1:123456789012:table/allavie/stream/2026-01-01T00:00:00.000"


TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def stream_record(name: str, item: Item, *, identity: dict | None, event_id: str, at: dt.datetime) -> dict:
    """A record as DynamoDB Streams delivers it to Lambda (view NEW_AND_OLD_IMAGES)."""
    image = item.serialize()
    dynamodb = {
        "ApproximateCreationDateTime": clock.epoch(at),
        "Keys": {"pk": image["pk"], "sk": image["sk"]},
        "SequenceNumber": f"{abs(hash(event_id)) % 10**20:020d}",
        "SizeBytes": 512,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if name == "REMOVE":
        dynamodb["OldImage"] = image
    else:
        dynamodb["NewImage"] = image
    record = {
        "eventID": event_id, "eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
        "awsRegion": "eu-north-1", "dynamodb": dynamodb, "eventSourceARN": STREAM_ARN,
    }
    if identity is not None:
        record["userIdentity"] = identity
    return record
