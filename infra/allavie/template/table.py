"""The table, generated from the pynamodb model so that the two cannot differ."""

from __future__ import annotations

from typing import Any

from .stage import Json, table_name


def _model() -> Any:
    from .. import domain

    return domain.Item


def ttl_attribute() -> str:
    attribute = _model()._ttl_attribute()
    if attribute is None:
        raise RuntimeError("the model has no TTL attribute")
    return str(attribute.attr_name)


def table_schema() -> Json:
    """Keys, attribute definitions and GSIs exactly as pynamodb creates them."""
    schema = _model()._get_schema()
    indexes = [
        {
            "IndexName": index["index_name"],
            "KeySchema": [dict(part) for part in index["key_schema"]],
            "Projection": dict(index["projection"]),
        }
        for index in sorted(schema["global_secondary_indexes"], key=lambda i: i["index_name"])
    ]
    if schema.get("local_secondary_indexes"):
        raise RuntimeError("local secondary indexes cannot be added to an existing table: not supported here")
    return {
        "AttributeDefinitions": sorted((dict(a) for a in schema["attribute_definitions"]),
                                       key=lambda a: a["AttributeName"]),
        "KeySchema": [dict(part) for part in schema["key_schema"]],
        "GlobalSecondaryIndexes": indexes,
    }


def index_names() -> list[str]:
    return [index["IndexName"] for index in table_schema()["GlobalSecondaryIndexes"]]


def table_resource(stage: str) -> Json:
    return {
        "Type": "AWS::DynamoDB::Table",
        # The customers' data outlives every stack operation: deleting or replacing
        # the stack keeps the table, and DynamoDB itself refuses to delete it.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": table_name(stage),
            "BillingMode": "PAY_PER_REQUEST",
            **table_schema(),
            "TimeToLiveSpecification": {"AttributeName": ttl_attribute(), "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},  # KMS, AWS managed key
            "DeletionProtectionEnabled": True,
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},  # the TTL cascade
            "Tags": [{"Key": "app", "Value": "allavie"}, {"Key": "stage", "Value": stage}],
        },
    }
