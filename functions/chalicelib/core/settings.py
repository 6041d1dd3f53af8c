"""Settings from the environment, read when called (Chalice sets stage
variables only inside an invocation, so nothing here is read at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    table_name: str
    region: str
    dynamodb_endpoint: str | None  # None in AWS; http://127.0.0.1:8002 locally
    site_url: str                  # where e-mailed links point
    api_url: str
    outbox_dir: str | None         # set: write messages as files; unset: send with SES
    stripe_api_base: str | None    # None in AWS; the localstripe URL locally
    stage: str
    photo_bucket: str = "allavie-photos"  # the private bucket of customers' photos
    s3_endpoint: str | None = None        # None in AWS; moto's server locally

    @property
    def local(self) -> bool:
        return self.dynamodb_endpoint is not None


def get() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "allavie"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-north-1",
        dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
        site_url=env.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/"),
        api_url=env.get("API_URL", "http://127.0.0.1:8001").rstrip("/"),
        outbox_dir=env.get("OUTBOX_DIR") or None,
        stripe_api_base=env.get("STRIPE_API_BASE") or None,
        stage=env.get("STAGE", "dev"),
        photo_bucket=env.get("PHOTO_BUCKET") or "allavie-photos",
        s3_endpoint=env.get("S3_ENDPOINT") or None,
    )
