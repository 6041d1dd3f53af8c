"""The private artifacts bucket of an account and region, and content-addressed
uploads to it: a key carries its content's hash, so unchanged code is not sent again."""

from __future__ import annotations

import hashlib
from typing import Any

from botocore.exceptions import ClientError

from .context import Context


def artifacts_bucket(ctx: Context) -> str:
    """One private bucket per account and region for code and templates (made once)."""
    name = f"allavie-artifacts-{ctx.account}-{ctx.region}"
    s3 = ctx.client("s3")
    try:
        s3.head_bucket(Bucket=name)
        return name
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
            raise
    create: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    s3.create_bucket(**create)
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    # Old code stays a year so that CloudFormation can roll back to it.
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
        {"ID": "expire-old-artifacts", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 365}}]})
    return name


def upload(ctx: Context, bucket: str, key: str, body: bytes) -> bool:
    """Put ``body`` at ``key`` unless it is there already (keys carry the content hash)."""
    s3 = ctx.client("s3")
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return False
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
            raise
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return True


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]
