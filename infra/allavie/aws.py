"""Every AWS call of the operator's commands goes through here.

``AWS_ENDPOINT_URL`` (when set) aims every client at one endpoint: the
integration test points it at moto server on 127.0.0.1.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.config import Config


def endpoint_url() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL") or None


def session(region: str) -> boto3.session.Session:
    return boto3.session.Session(region_name=region)


def client(sess: boto3.session.Session, service: str) -> Any:
    endpoint = endpoint_url()
    config = Config(retries={"max_attempts": 8, "mode": "standard"},
                    s3={"addressing_style": "path"} if endpoint else {})
    return sess.client(service, endpoint_url=endpoint, config=config)  # type: ignore[call-overload]
