"""Which stream records are TTL deletions of a profile (sweeper.ttl_deletion)."""

from __future__ import annotations

import datetime as dt

from chalicelib.retention import sweeper

TTL = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def record(name: str = "REMOVE", identity: dict | None = TTL, sk: str = "PROFILE", old: bool = True) -> dict:
    dynamodb: dict = {
        "ApproximateCreationDateTime": 1875000000, "Keys": {"pk": {"S": "CUST#abc"}, "sk": {"S": sk}},
        "SequenceNumber": "1", "SizeBytes": 10, "StreamViewType": "NEW_AND_OLD_IMAGES" if old else "KEYS_ONLY",
    }
    if old:
        dynamodb["OldImage"] = {"pk": {"S": "CUST#abc"}, "sk": {"S": sk}, "email": {"S": "a@example.se"}}
    raw = {"eventID": "ev1", "eventName": name, "dynamodb": dynamodb, "awsRegion": "eu-north-1",
           "eventSourceARN": "arn:aws:dynamodb:eu-north-1:1:table/t/stream/x"}
    if identity is not None:
        raw["userIdentity"] = identity
    return raw


def test_a_ttl_removal_of_a_profile_names_the_customer() -> None:
    deletion = sweeper.ttl_deletion(record())
    assert deletion == sweeper.TtlDeletion("abc", "a@example.se", dt.datetime(2029, 6, 1, 9, 20, tzinfo=dt.timezone.utc), "ev1")


def test_a_stream_with_keys_only_still_names_the_customer() -> None:
    deletion = sweeper.ttl_deletion(record(old=False))
    assert deletion is not None and deletion.customer_id == "abc" and deletion.email is None


def test_everything_else_is_ignored() -> None:
    assert sweeper.ttl_deletion(record(identity=None)) is None  # the sweeper, an erasure, a person
    assert sweeper.ttl_deletion(record(identity={"type": "Service", "principalId": "other.amazonaws.com"})) is None
    assert sweeper.ttl_deletion(record(identity={"type": "User", "principalId": "dynamodb.amazonaws.com"})) is None
    assert sweeper.ttl_deletion(record(name="MODIFY")) is None
    assert sweeper.ttl_deletion(record(name="INSERT")) is None
    assert sweeper.ttl_deletion(record(sk="BOOKING#b1")) is None  # its own TTL; the profile's removal cascades


def test_the_index_bound_includes_the_end_of_the_day_and_nothing_after() -> None:
    limit = sweeper.limit_of(dt.date(2029, 3, 25))  # a 23-hour day
    assert limit == dt.datetime(2029, 3, 25, 22, tzinfo=dt.timezone.utc)
