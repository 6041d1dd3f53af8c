"""The table's stream, locally: what Lambda's event source mapping does in AWS.

DynamoDB Local has the real Streams API (DescribeStream, GetShardIterator, GetRecords). The
pump reads every shard of the table's stream and calls each of the app's ``on_dynamodb_record``
handlers (the outbox's sender, the TTL cascade) with the records in Lambda's event shape.
``allavie dev`` and the test fixtures run it as a process beside ``chalice local``
(``python -m allavie.local.stream_pump``); tests that use Chalice's in-process client drain it in
their own process (``tests/support/outbox.py``). Its handlers are idempotent, so two readers
of one stream change nothing twice.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import FUNCTIONS
from . import servers

Handler = Callable[[dict[str, Any]], Any]
BATCH = 100  # records per handler call, as the template's batch_size


def lambda_record(raw: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record as Lambda hands it over (epoch seconds, the stream's ARN)."""
    stream = dict(raw.get("dynamodb") or {})
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        stream["ApproximateCreationDateTime"] = created.timestamp()
    record: dict[str, Any] = {
        "eventID": raw.get("eventID"), "eventName": raw.get("eventName"), "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb", "awsRegion": raw.get("awsRegion") or region, "dynamodb": stream,
        "eventSourceARN": stream_arn,
    }
    if raw.get("userIdentity"):
        record["userIdentity"] = dict(raw["userIdentity"])
    return record


def app_handlers() -> Handler:
    """Every DynamoDB stream handler of the Chalice app, called in turn with one event."""
    from app import app  # functions/app.py, installed as the module `app` (pyproject's py-modules)
    from chalice.app import DynamoDBEventConfig

    names = [source.name for source in app.event_sources if isinstance(source, DynamoDBEventConfig)]
    handlers = [app.handler_map[name] for name in names]

    def call(event: dict[str, Any]) -> None:
        for handler in handlers:
            handler(event, None)
    return call


class StreamPump:
    """Reads the table's stream from where it left off; ``drain`` hands every new record to ``handler``."""

    def __init__(self, handler: Handler, *, endpoint: str, table: str, region: str) -> None:
        import boto3

        self.handler = handler
        self.table, self.region = table, region
        # The credentials of the environment: DynamoDB Local keeps one database per key and region.
        self.dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, region_name=region)
        self.streams = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=region)
        self.arn: str | None = None
        self.iterators: dict[str, str | None] = {}  # shard -> next iterator (None: closed and read to its end)
        self.last: dict[str, str] = {}               # shard -> last sequence number handed over

    def _stream_arn(self) -> str | None:
        table = self.dynamodb.describe_table(TableName=self.table)["Table"]
        return table.get("LatestStreamArn")

    def _shards(self) -> list[str]:
        if self.arn is None:
            self.arn = self._stream_arn()
            if self.arn is None:
                return []
        description = self.streams.describe_stream(StreamArn=self.arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description.get("Shards", [])]

    def _iterator(self, shard: str) -> str:
        assert self.arn is not None
        if shard in self.last:
            answer = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard,
                                                     ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                                     SequenceNumber=self.last[shard])
        else:
            answer = self.streams.get_shard_iterator(StreamArn=self.arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        return str(answer["ShardIterator"])

    def _forget(self) -> None:
        """Start over from the table's current stream (the table was made anew, or its records trimmed)."""
        self.arn = None
        self.iterators.clear()
        self.last.clear()

    def drain(self) -> list[dict[str, Any]]:
        """Hand every record written so far to the handler; returns them (Lambda's shape)."""
        lost = (self.streams.exceptions.TrimmedDataAccessException, self.streams.exceptions.ResourceNotFoundException)
        try:
            return self._drain()
        except lost:
            # A test or `allavie init-table` deleted and made the table again: its stream is a new one.
            self._forget()
            return self._drain()

    def _drain(self) -> list[dict[str, Any]]:
        handed: list[dict[str, Any]] = []
        for shard in self._shards():
            if shard not in self.iterators:
                self.iterators[shard] = self._iterator(shard)
            while self.iterators[shard] is not None:
                try:
                    answer = self.streams.get_records(ShardIterator=self.iterators[shard], Limit=BATCH)
                except self.streams.exceptions.ExpiredIteratorException:
                    self.iterators[shard] = self._iterator(shard)
                    continue
                records = [lambda_record(r, self.arn or "", self.region) for r in answer.get("Records", [])]
                self.iterators[shard] = answer.get("NextShardIterator")
                if not records:
                    break  # an open shard with nothing new
                self.handler({"Records": records})
                self.last[shard] = str(records[-1]["dynamodb"]["SequenceNumber"])
                handed += records
        return handed


def from_environment(handler: Handler | None = None) -> StreamPump:
    """A pump for the table the environment names (TABLE_NAME, DYNAMODB_ENDPOINT), calling the app's handlers."""
    env = os.environ
    endpoint = env.get("DYNAMODB_ENDPOINT")
    if not endpoint:
        raise servers.StackError("the stream pump is for DynamoDB Local: DYNAMODB_ENDPOINT is not set")
    return StreamPump(handler or app_handlers(), endpoint=endpoint, table=env.get("TABLE_NAME", "allavie"),
                      region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-north-1")


def main() -> int:
    """Pump until SIGTERM or Ctrl-C; a failing handler is reported and its records are handed over again."""
    running = True

    def stop(*_: object) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pump = from_environment()
    print("stream pump: reading the table's stream", flush=True)
    while running:
        try:
            pump.drain()
        except Exception as error:  # noqa: BLE001 - keep pumping, as Lambda retries a failed batch
            print(f"stream pump: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            pump.iterators.clear()  # read again from the last record handed over
            time.sleep(1)
        time.sleep(0.2)
    return 0


def start(env: Mapping[str, str], *, quiet: bool = True) -> servers.Server:
    """The pump as a process beside ``chalice local`` (stopped with the stack)."""
    proc = servers._spawn([sys.executable, "-m", "allavie.local.stream_pump"], cwd=Path(FUNCTIONS), env=env, quiet=quiet)
    time.sleep(0.3)
    if proc.poll() is not None:
        raise servers.StackError(f"the stream pump stopped at start (exit {proc.returncode}); see its output above")
    return servers.Server("stream pump", 0, proc)


if __name__ == "__main__":
    sys.exit(main())
