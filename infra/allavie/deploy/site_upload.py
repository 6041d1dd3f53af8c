"""The built site into its bucket: what changed by MD5/ETag, what is gone
deleted, then one CloudFront invalidation; and emptying the bucket for destroy."""

from __future__ import annotations

import hashlib
import mimetypes
import time
from collections.abc import Iterator
from pathlib import Path

from .context import Context

CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
                 ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".map": "application/json",
                 ".webmanifest": "application/manifest+json", ".txt": "text/plain; charset=utf-8",
                 ".ics": "text/calendar; charset=utf-8", ".gz": "application/gzip"}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _files(directory: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path.relative_to(directory).as_posix(), path


def upload_site(ctx: Context, bucket: str, directory: Path) -> tuple[int, int, int]:
    """Upload what changed (by MD5/ETag), delete what is gone. Returns (uploaded, unchanged, deleted)."""
    s3 = ctx.client("s3")
    existing: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            existing[obj["Key"]] = obj["ETag"].strip('"')
    uploaded = unchanged = 0
    wanted = set()
    for key, path in _files(directory):
        wanted.add(key)
        data = path.read_bytes()
        if existing.get(key) == hashlib.md5(data, usedforsecurity=False).hexdigest():
            unchanged += 1
            continue
        # Pages are checked every time; assets may be cached for an hour.
        cache = "no-cache" if key.endswith(".html") else "public, max-age=3600"
        s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type(path), CacheControl=cache)
        uploaded += 1
    gone = sorted(set(existing) - wanted)
    for start in range(0, len(gone), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in gone[start:start + 1000]]})
    return uploaded, unchanged, len(gone)


def empty_bucket(ctx: Context, bucket: str) -> int:
    s3 = ctx.client("s3")
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
            removed += len(objects)
    return removed


def invalidate(ctx: Context, distribution_id: str) -> str:
    """Invalidate every path of the distribution; the invalidation's id."""
    answer = ctx.client("cloudfront").create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())})
    return str(answer["Invalidation"]["Id"])
