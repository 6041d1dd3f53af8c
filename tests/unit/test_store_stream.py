"""The table's stream records as the outbox and the offers' sender read them."""

from __future__ import annotations

from chalicelib.store import stream


def test_only_writes_are_changes_with_both_images() -> None:
    records = [
        {"eventName": "INSERT", "dynamodb": {"NewImage": {"kind": {"S": "message"}}}},
        {"eventName": "REMOVE", "dynamodb": {"OldImage": {"kind": {"S": "message"}}}},
        {"eventName": "MODIFY", "dynamodb": {"NewImage": {"step": {"N": "2"}}, "OldImage": {"step": {"N": "1"}}}},
        {"eventName": "MODIFY"},
    ]
    changes = list(stream.written(records))
    assert [(stream.text(c.new, "kind"), stream.number(c.new, "step"), stream.number(c.old, "step"))
            for c in changes] == [("message", 0, 0), ("", 2, 1), ("", 0, 0)]


def test_missing_or_odd_attributes_read_as_empty() -> None:
    image = {"n": {"N": "x"}, "s": {"N": "3"}, "none": None}
    assert stream.number(image, "n") == 0 and stream.number(image, "absent") == 0
    assert stream.text(image, "s") == "" and stream.text(image, "none") == ""
