"""What every command that reads the table shares: one switch, ``--local``,
and one line (exit 2) instead of a traceback when the table cannot be reached.

Without ``--local`` a command reads the table named by ``TABLE_NAME`` with the
AWS credentials and region of the shell (``DYNAMODB_ENDPOINT`` for another
endpoint). With it, the command runs in the environment of ``make dev``'s
API: DynamoDB Local on 127.0.0.1:$DYNAMODB_PORT (default 8002) with the local
credentials, its table, localstripe on $STRIPE_PORT, the photo bucket on
moto's S3 at $S3_PORT and the outbox ($OUTBOX_DIR, default var/outbox), so what
it sends lands where make dev's does and an erasure empties make dev's bucket.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from ..local import dev, servers

Command = Callable[[argparse.Namespace], int]

LOCAL_HELP = ("use `make dev`'s DynamoDB Local (127.0.0.1:$DYNAMODB_PORT, default 8002), its localstripe, photo bucket "
              "and outbox, with the local credentials")
REFUSED_CREDENTIALS = {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                       "InvalidClientTokenId", "ExpiredToken", "SignatureDoesNotMatch"}


class Unavailable(RuntimeError):
    """The table cannot be read; the message says what is missing, in one line."""


def add_local_switch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--local", action="store_true", help=LOCAL_HELP)


def use_local() -> dev.Settings:
    """Point this process at make dev's servers, as make dev points its API."""
    settings = dev.Settings.from_env()
    os.environ.update(settings.app_env())
    return settings


def no_credentials() -> str:
    return "no AWS credentials found; run `aws configure`, or add --local to use make dev's DynamoDB Local"


def require_credentials() -> None:
    """Before anything is asked or written: botocore finds credentials (environment, profile, role)."""
    import botocore.session

    if botocore.session.get_session().get_credentials() is None:
        raise Unavailable(no_credentials())


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps (pynamodb keeps botocore's error as ``cause``)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "cause", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__ or current.__context__


def explain(error: BaseException, *, local: bool) -> str:
    """One line for the operator: what is missing, and what to do."""
    from .. import domain

    settings = domain.settings.get()
    for cause in _causes(error):
        if isinstance(cause, NoCredentialsError | PartialCredentialsError):
            return no_credentials()
        if isinstance(cause, EndpointConnectionError | ConnectTimeoutError):
            url = str(getattr(cause, "kwargs", {}).get("endpoint_url") or "")
            if settings.s3_endpoint and url.startswith(settings.s3_endpoint):  # the photo bucket, not the table
                return (f"make dev's photo bucket (moto's S3) does not answer at {settings.s3_endpoint}: start "
                        "`make dev` (or set S3_PORT to the port it uses)")
            if local:
                return (f"make dev's DynamoDB Local does not answer at {settings.dynamodb_endpoint}: start `make dev` "
                        "(or set DYNAMODB_PORT to the port it uses)")
            where = settings.dynamodb_endpoint or f"DynamoDB in {settings.region}"
            return f"cannot reach {where}: check the network connection (or DYNAMODB_ENDPOINT, AWS_REGION)"
        if isinstance(cause, ClientError):
            code = str(cause.response.get("Error", {}).get("Code", ""))
            if code in REFUSED_CREDENTIALS:
                return (f"AWS refused the credentials ({code}): run `aws configure` or renew the session, "
                        "or add --local to use make dev's DynamoDB Local")
            if code == "AccessDeniedException":
                return f"AWS denied access to the table {settings.table_name} ({code}): use credentials allowed to read it"
            if code == "ResourceNotFoundException":
                if local:
                    return f"make dev's DynamoDB Local has no table {settings.table_name}: start `make dev` once, it makes it"
                return f"the table {settings.table_name} does not exist in {settings.region}: check TABLE_NAME and AWS_REGION"
    return f"the table did not answer: {error}"


def require_photo_bucket() -> None:
    """In AWS the photo bucket's name holds the account: the shell must name it (the Lambdas get it from the stack)."""
    if not os.environ.get("PHOTO_BUCKET"):
        raise Unavailable("PHOTO_BUCKET is not set: name the stage's photo bucket (the stack's output PhotoBucketName, "
                          "allavie-<stage>-photos-<account>), or add --local to use make dev's")


def reads_the_table(run: Command, *, photos: Callable[[argparse.Namespace], bool] | None = None) -> Command:
    """``run`` with ``--local`` applied, and its failures to reach the table as one line, exit 2.
    ``photos(args)``: whether this run reaches the photo bucket too (erasure, export, the sweep)."""
    def call(args: argparse.Namespace) -> int:
        from pynamodb.exceptions import PynamoDBException

        name = f"allavie {args.command}"
        local = bool(getattr(args, "local", False))
        try:
            if local:
                use_local()
            else:
                require_credentials()
                if photos is not None and photos(args):
                    require_photo_bucket()
            return int(run(args))
        except (Unavailable, servers.StackError) as error:
            print(f"{name}: {error}", file=sys.stderr)
        except (PynamoDBException, BotoCoreError, ClientError) as error:
            print(f"{name}: {explain(error, local=local)}", file=sys.stderr)
        return 2
    return call
