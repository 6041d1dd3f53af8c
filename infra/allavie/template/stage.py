"""A stage's names and options: what every part of the template is built from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DEFAULT_REGION = "eu-north-1"
# The functions' runtime (build.py refuses a package for another) and the photo layer's.
LAMBDA_RUNTIME = "python3.11"
API_PATH = "/api"  # chalice's api_gateway_stage; CloudFront forwards /api/* unchanged to the stage

# The secrets the functions read (chalicelib/core/secret_store.py): env var NAME_PARAM names the SSM parameter.
SECRETS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "LINK_SIGNING_KEY")

# What the emulator (moto server) cannot create; left out with --emulator.
EMULATOR_SKIPS = ("SiteBucketPolicy", "SiteOriginAccessControl", "DirectoryIndexFunction",
                  "SecurityHeadersPolicy", "ApiHeadersPolicy", "ApiCachePolicy", "Distribution")

Json = dict[str, Any]


@dataclass(frozen=True)
class Options:
    stage: str
    sender: str
    emulator: bool = False  # leave out what moto server cannot create (EMULATOR_SKIPS)


def stack_name(stage: str) -> str:
    return f"allavie-{stage}"


def table_name(stage: str) -> str:
    return f"allavie-{stage}"


def photo_bucket_name(stage: str) -> Json:
    """The photo bucket's name, fixed from stage and account (template/photos.py says why)."""
    return {"Fn::Sub": f"allavie-{stage}-photos-${{AWS::AccountId}}"}


def parameter_name(stage: str, secret: str) -> str:
    """``/allavie/<stage>/stripe-secret-key`` for ``STRIPE_SECRET_KEY``."""
    return f"/allavie/{stage}/{secret.lower().replace('_', '-')}"


def check_stage(stage: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", stage):
        raise ValueError(f"stage {stage!r}: use 1-20 lowercase letters, digits or '-', starting with a letter")
    return stage
