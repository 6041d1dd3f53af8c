"""The photo bucket on this machine: moto's S3 server on 127.0.0.1 (in memory), the bucket
with its CORS rule, and the upload trigger that S3 itself would be in AWS.

moto sends no bucket notifications, so the trigger watches ``uploads/`` and calls the
processing function with the event S3 sends (``s3_event``), as Lambda would: ``allavie dev``
runs it as a process beside ``chalice local`` (``python -m allavie.local.s3_server``, like the
stream pump), the tests call ``process_pending`` or run an ``UploadTrigger`` thread themselves.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import FUNCTIONS, ROOT
from .servers import LOCAL_CREDENTIALS, Server, StackError, Stopping, _never, _spawn, _started, require_free, wait_for_http

REGION = LOCAL_CREDENTIALS["AWS_REGION"]
BUCKET = "allavie-photos-local"
Handler = Callable[[dict[str, Any]], Any]


def start_s3(port: int, *, quiet: bool = True, stopping: Stopping = _never) -> Server:
    """moto's S3 server, in memory, bound to 127.0.0.1 only."""
    require_free(port, "S3 (moto server)", "S3_PORT")
    moto = Path(sys.executable).with_name("moto_server")
    if not moto.exists():
        raise StackError("moto's server is not installed: run `make install` (moto[server])")
    proc = _spawn([str(moto), "-H", "127.0.0.1", "-p", str(port)], cwd=ROOT, env={**os.environ, **LOCAL_CREDENTIALS},
                  quiet=quiet)
    server = Server("S3 (moto server)", port, proc)
    return _started(server, lambda: wait_for_http(f"{server.url}/", proc, server.name, stopping=stopping))


def client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                        config=Config(s3={"addressing_style": "path"}))


def cors_rule(site_origin: str) -> dict[str, Any]:
    """The same rule as in AWS (template/photos.py): the site's origin may POST uploads, nothing else."""
    return {"AllowedOrigins": [site_origin], "AllowedMethods": ["POST"], "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}


def create_bucket(endpoint: str, site_origin: str, bucket: str = BUCKET) -> str:
    """The private photo bucket (kept if it exists), with the site's CORS rule."""
    s3 = client(endpoint)
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [cors_rule(site_origin)]})
    return bucket


def s3_event(bucket: str, key: str, size: int, etag: str = "", now: dt.datetime | None = None) -> dict[str, Any]:
    """The event S3 sends to Lambda for one created object (its key URL-encoded, as S3 does)."""
    moment = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION, "eventTime": moment,
        "eventName": "ObjectCreated:Post", "userIdentity": {"principalId": "AWS:LOCAL"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL"},
        "s3": {
            "s3SchemaVersion": "1.0", "configurationId": "ProcessPhoto",
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": "LOCAL"}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size, "eTag": etag.strip('"'),
                       "sequencer": "0"},
        },
    }]}


def invoke_in_process(event: dict[str, Any]) -> Any:
    """Call the packaged app's ``process_photo`` function in this process, through Chalice's Lambda wrapper."""
    from app import app  # functions/app.py, installed as the module `app` (pyproject's py-modules)
    from chalice.test import Client

    with Client(app, stage_name="local", project_dir=str(FUNCTIONS)) as test_client:
        return test_client.lambda_.invoke("process_photo", event).payload


def process_pending(endpoint: str, bucket: str = BUCKET, handler: Handler = invoke_in_process,
                    seen: set[str] | None = None) -> int:
    """Send one event per object waiting under ``uploads/`` (each version once); returns how many."""
    s3 = client(endpoint)
    sent = 0
    for obj in s3.list_objects_v2(Bucket=bucket, Prefix="uploads/").get("Contents", []):
        tag = f"{obj['Key']}#{obj.get('ETag', '')}#{obj.get('LastModified', '')}"
        if seen is not None:
            if tag in seen:
                continue
            seen.add(tag)
        handler(s3_event(bucket, str(obj["Key"]), int(obj.get("Size", 0)), str(obj.get("ETag", ""))))
        sent += 1
    return sent


class UploadTrigger:
    """What S3's ObjectCreated notification does in AWS: every ``interval`` seconds, the new uploads."""

    def __init__(self, endpoint: str, bucket: str = BUCKET, handler: Handler = invoke_in_process,
                 interval: float = 0.3) -> None:
        self.endpoint, self.bucket, self.handler, self.interval = endpoint, bucket, handler, interval
        self._stop = threading.Event()
        self._seen: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="upload-trigger", daemon=True)

    def start(self) -> UploadTrigger:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                process_pending(self.endpoint, self.bucket, self.handler, self._seen)
            except Exception as error:  # noqa: BLE001 - a failed round is logged and tried again
                print(f"upload trigger: {error}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def main() -> int:
    """The trigger until SIGTERM or Ctrl-C, for the bucket the environment names (S3_ENDPOINT, PHOTO_BUCKET)."""
    endpoint = os.environ.get("S3_ENDPOINT")
    if not endpoint:
        raise StackError("the upload trigger is for moto's S3 server: S3_ENDPOINT is not set")
    running = threading.Event()

    def stop(*_: object) -> None:
        running.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    trigger = UploadTrigger(endpoint, os.environ.get("PHOTO_BUCKET") or BUCKET).start()
    print("upload trigger: cleaning the photos uploaded to the local bucket", flush=True)
    running.wait()
    trigger.stop()
    return 0


def start_trigger(env: Mapping[str, str], *, quiet: bool = True) -> Server:
    """The trigger as a process beside ``chalice local`` (stopped with the stack)."""
    proc = _spawn([sys.executable, "-m", "allavie.local.s3_server"], cwd=FUNCTIONS, env=env, quiet=quiet)
    time.sleep(0.3)
    if proc.poll() is not None:
        raise StackError(f"the upload trigger stopped at start (exit {proc.returncode}); see its output above")
    return Server("upload trigger", 0, proc)


if __name__ == "__main__":
    sys.exit(main())
