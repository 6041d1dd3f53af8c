"""The connection: binds the models to DynamoDB and creates the table.

The same definition (``store.table`` and ``store.models``) creates the table
locally and is mirrored in the CloudFormation template for AWS (infra/ checks
the two agree).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from botocore.exceptions import ClientError
from pynamodb.transactions import TransactWrite

from ..core import settings as settings_module
from . import models as _models  # noqa: F401 - every kind registered before binding
from .table import Item

log = logging.getLogger(__name__)

_bound: tuple[str, str, str | None] | None = None


def all_models() -> Iterator[type[Item]]:
    stack: list[type[Item]] = [Item]
    while stack:
        cls = stack.pop()
        yield cls
        stack.extend(cls.__subclasses__())


def bind(settings: settings_module.Settings | None = None) -> None:
    """Point every model at the table of ``settings`` (from the environment).

    Cheap when nothing changed, so routes call it on every request.
    """
    global _bound
    settings = settings or settings_module.get()
    wanted = (settings.table_name, settings.region, settings.dynamodb_endpoint)
    if wanted == _bound:
        return
    Item.Meta.table_name = settings.table_name
    Item.Meta.region = settings.region
    Item.Meta.host = settings.dynamodb_endpoint  # type: ignore[attr-defined]
    for cls in all_models():
        cls._connection = None
    _bound = wanted
    from ..core import clinic  # the clinic in force reads the owner's settings from this table from now on
    from . import settings as clinic_settings

    clinic.use_source(clinic_settings.read)


def transaction() -> TransactWrite:
    """A TransactWriteItems on the table, through the models' own (cached) connection."""
    return TransactWrite(connection=Item._get_connection().connection)


def ensure_table(settings: settings_module.Settings | None = None) -> bool:
    """Create the table (with TTL on ``expires_at``) unless it exists.

    Returns True when it created it. Enabling TTL twice is a
    ValidationException on DynamoDB, so an existing table is only checked.
    """
    bind(settings)
    if Item.exists():
        ttl = ttl_status()
        if ttl not in ("ENABLED", "ENABLING"):
            Item.update_ttl(ignore_update_ttl_errors=False)
        if stream_arn() is None:  # a table made before the outbox: the sender reads the stream
            Item._get_connection().connection.client.update_table(
                TableName=Item.Meta.table_name,
                StreamSpecification={"StreamEnabled": True, "StreamViewType": Item.Meta.stream_view_type})
        return False
    try:
        Item.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    except ClientError as exc:  # created meanwhile by another process
        if exc.response["Error"]["Code"] != "ResourceInUseException":
            raise
        return False
    return True


def stream_arn() -> str | None:
    """The table's stream (NEW_AND_OLD_IMAGES), or None when it has none."""
    client = Item._get_connection().connection.client
    table = client.describe_table(TableName=Item.Meta.table_name)["Table"]
    enabled = (table.get("StreamSpecification") or {}).get("StreamEnabled")
    return str(table["LatestStreamArn"]) if enabled and table.get("LatestStreamArn") else None


def ttl_status() -> str:
    """DescribeTimeToLive's status for the table, e.g. ``ENABLED``."""
    client = Item._get_connection().connection.client
    answer = client.describe_time_to_live(TableName=Item.Meta.table_name)
    description = answer.get("TimeToLiveDescription", {})
    return str(description.get("TimeToLiveStatus", "DISABLED"))


def ttl_attribute() -> str | None:
    client = Item._get_connection().connection.client
    answer = client.describe_time_to_live(TableName=Item.Meta.table_name)
    name = answer.get("TimeToLiveDescription", {}).get("AttributeName")
    return str(name) if name else None


def reachable() -> bool:
    try:
        bind()
        Item.describe_table()
        return True
    except Exception as exc:  # noqa: BLE001 - health reports any failure as down
        log.warning("table not reachable: %s", exc)
        return False
