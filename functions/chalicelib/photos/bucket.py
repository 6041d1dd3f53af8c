"""The private photo bucket: the only module that talks to S3 (boto3, imported when used).

Keys carry the customer id first, so that an erasure or the end of a retention can
remove everything of one customer by prefix, without knowing each photo:

- ``uploads/<cid>/<bid>/<slot>/<photo id>``: where the browser POSTs the original
  (presigned; deleted once processed; a lifecycle rule removes what is left in AWS),
- ``photos/<cid>/<bid>/<photo id>.<ext>``: the re-encoded copy without metadata.

In AWS the bucket is private and encrypted, and reached at its regional endpoint;
locally ``S3_ENDPOINT`` points at moto's server (path-style addressing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..core import settings as settings_module

UPLOADS = "uploads/"
PHOTOS = "photos/"
POST_SECONDS = 600    # the browser has ten minutes to send the file
GET_SECONDS = 300     # a photo's link works five minutes: enough to show it, short if it leaks


class BucketError(RuntimeError):
    """S3 did not do what was asked."""


def upload_key(customer_id: str, booking_id: str, slot: int, photo_id: str) -> str:
    return f"{UPLOADS}{customer_id}/{booking_id}/{slot}/{photo_id}"


def clean_key(customer_id: str, booking_id: str, photo_id: str, extension: str) -> str:
    return f"{PHOTOS}{customer_id}/{booking_id}/{photo_id}.{extension}"


@dataclass(frozen=True)
class UploadKey:
    """What an upload's key names (the processing finds the Photo item from it)."""

    customer_id: str
    booking_id: str
    slot: int
    photo_id: str


def parse_upload_key(key: str) -> UploadKey | None:
    parts = key.split("/")
    if len(parts) != 5 or parts[0] + "/" != UPLOADS or not parts[3].isdigit():
        return None
    return UploadKey(parts[1], parts[2], int(parts[3]), parts[4])


@functools.lru_cache(maxsize=4)
def _client(region: str, endpoint: str | None) -> Any:
    import boto3
    from botocore.config import Config

    if endpoint:  # moto's server on 127.0.0.1: no virtual-host names there
        config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
        return boto3.client("s3", region_name=region, endpoint_url=endpoint, config=config)
    # The regional endpoint, virtual-hosted: the origin the site's CSP names (https://<bucket>.s3.<region>.amazonaws.com).
    config = Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
    return boto3.client("s3", region_name=region, endpoint_url=f"https://s3.{region}.amazonaws.com", config=config)


def client() -> Any:
    current = settings_module.get()
    return _client(current.region, current.s3_endpoint)


def name() -> str:
    return settings_module.get().photo_bucket


def presign_post(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """A form the browser POSTs straight to S3: this key, this type, at most ``max_bytes``."""
    return dict(client().generate_presigned_post(
        Bucket=name(), Key=key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=POST_SECONDS,
    ))


def presign_get(key: str, content_type: str, seconds: int = GET_SECONDS) -> str:
    """A short-lived link to one object (the clean copy), shown inline and never cached."""
    return str(client().generate_presigned_url("get_object", Params={
        "Bucket": name(), "Key": key, "ResponseContentType": content_type,
        "ResponseCacheControl": "private, no-store", "ResponseContentDisposition": "inline",
    }, ExpiresIn=seconds))


def size_of(key: str) -> int | None:
    """The stored object's size, or None when there is none."""
    from botocore.exceptions import ClientError

    try:
        return int(client().head_object(Bucket=name(), Key=key)["ContentLength"])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise


def read(key: str, max_bytes: int) -> bytes | None:
    """The object's bytes, at most ``max_bytes`` + 1 read (enough to know it is too big); None when gone."""
    from botocore.exceptions import ClientError

    try:
        answer = client().get_object(Bucket=name(), Key=key, Range=f"bytes=0-{max_bytes}")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "InvalidRange"):
            return None
        raise
    return bytes(answer["Body"].read(max_bytes + 1))


def write(key: str, data: bytes, content_type: str) -> None:
    client().put_object(Bucket=name(), Key=key, Body=data, ContentType=content_type,
                        CacheControl="private, no-store")


def delete(*keys: str) -> None:
    """Delete these objects (a missing one is no error)."""
    wanted = [k for k in keys if k]
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start:start + 1000]
        answer = client().delete_objects(Bucket=name(), Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
        if answer.get("Errors"):
            raise BucketError(f"S3 kept {len(answer['Errors'])} objects: {answer['Errors'][0].get('Code')}")


def keys_under(prefix: str) -> list[str]:
    """Every key under a prefix (paged; a customer has at most a few dozen)."""
    found: list[str] = []
    for page in client().get_paginator("list_objects_v2").paginate(Bucket=name(), Prefix=prefix):
        found.extend(str(obj["Key"]) for obj in page.get("Contents", []))
    return found


def erase_customer(customer_id: str) -> int:
    """Delete every object of one customer, uploads and clean copies; returns how many."""
    if not customer_id or "/" in customer_id:
        raise ValueError("a customer id names one prefix")
    keys = keys_under(f"{UPLOADS}{customer_id}/") + keys_under(f"{PHOTOS}{customer_id}/")
    delete(*keys)
    return len(keys)
