"""Secrets: from the environment locally, from SSM Parameter Store in AWS.

``get("STRIPE_SECRET_KEY")`` returns ``$STRIPE_SECRET_KEY`` when set; otherwise
it reads the SecureString parameter named by ``$STRIPE_SECRET_KEY_PARAM``
(set by the deployment) once per Lambda container. Never from the repository.
"""

from __future__ import annotations

import functools
import os


class MissingSecret(RuntimeError):
    pass


@functools.lru_cache(maxsize=16)
def _from_ssm(parameter: str) -> str:
    import boto3  # only when a secret lives in SSM: keeps local cold starts light

    answer = boto3.client("ssm").get_parameter(Name=parameter, WithDecryption=True)
    return str(answer["Parameter"]["Value"])


def get(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    parameter = os.environ.get(f"{name}_PARAM")
    if parameter:
        return _from_ssm(parameter)
    raise MissingSecret(f"{name} is not set (nor {name}_PARAM naming its SSM parameter)")
