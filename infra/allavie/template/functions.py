"""The functions chalice made, and what the merge gives each: its name, its
environment, its log group's retention and a least-privilege policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .stage import API_PATH, SECRETS, Json, Options, parameter_name, photo_bucket_name
from .table import index_names

LOG_RETENTION_DAYS = 30  # logs may hold request details: keep them briefly


@dataclass(frozen=True)
class Function:
    """A function of the packaged app, as ``chalice package`` named it."""

    logical_id: str
    role: str | None              # the logical id of its role, when chalice made one
    stream_events: tuple[str, ...] = field(default=())  # its DynamoDB event names

    @property
    def reads_stream(self) -> bool:
        return bool(self.stream_events)


def functions_of(sam: Mapping[str, Any]) -> list[Function]:
    found = []
    for logical_id, resource in sam.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        role = props.get("Role")
        role_id = role["Fn::GetAtt"][0] if isinstance(role, dict) and "Fn::GetAtt" in role else None
        streams = tuple(name for name, event in (props.get("Events") or {}).items() if event.get("Type") == "DynamoDB")
        found.append(Function(logical_id, role_id, streams))
    return sorted(found, key=lambda f: f.logical_id)


def environment(options: Options) -> Json:
    site_url: Json = {"Ref": "SiteUrl"}
    env: Json = {
        "TABLE_NAME": {"Ref": "Table"},
        "SITE_URL": site_url,
        "API_URL": {"Fn::Sub": "${SiteUrl}" + API_PATH},
        "SENDER_EMAIL": options.sender,
        "STAGE": options.stage,
        # The photo bucket (template/photos.py): the API presigns for it, the sweeper and the cascade erase in it.
        "PHOTO_BUCKET": photo_bucket_name(options.stage),
    }
    for name in SECRETS:
        env[f"{name}_PARAM"] = parameter_name(options.stage, name)
    return env


# --- IAM ----------------------------------------------------------------------


def _arn(service: str, resource: str) -> Json:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def function_name(stage: str, logical_id: str) -> str:
    return f"allavie-{stage}-{logical_id}"[:64]


def logs_statement(stage: str, logical_id: str) -> Json:
    """A function writes to its own log group, no other."""
    return {
        "Sid": "Logs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [_arn("logs", f"log-group:/aws/lambda/{function_name(stage, logical_id)}:*")],
    }


def function_policy(stage: str, sender: str, logical_id: str, reads_stream: bool) -> Json:
    """What one function may do; every resource named, except where AWS has no resource level."""
    table_arn = {"Fn::GetAtt": ["Table", "Arn"]}
    statements: list[Json] = [
        {
            "Sid": "Table",
            "Effect": "Allow",
            # No Scan: every access pattern is a Query or GetItem (models.py).
            "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                       "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
                       "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"],
            "Resource": [table_arn] + [
                {"Fn::Sub": ["${Table}/index/" + name, {"Table": table_arn}]} for name in index_names()
            ],
        },
        {
            "Sid": "Secrets",
            "Effect": "Allow",
            # SecureStrings under the AWS managed key aws/ssm: its key policy lets SSM
            # decrypt for principals of this account, so no kms statement is needed.
            "Action": ["ssm:GetParameter"],
            "Resource": [_arn("ssm", "parameter" + parameter_name(stage, name)) for name in SECRETS],
        },
        {
            "Sid": "SendFromTheClinic",
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            # The address itself or its domain, whichever the operator verified.
            "Resource": [_arn("ses", f"identity/{sender}"), _arn("ses", f"identity/{sender.split('@', 1)[1]}")],
            "Condition": {"StringEquals": {"ses:FromAddress": sender}},
        },
        {
            "Sid": "SmsToPhoneNumbers",
            "Effect": "Allow",
            # SMS goes to a phone number, which has no ARN; the Deny below takes every
            # topic away, so only direct SMS remains.
            "Action": ["sns:Publish"],
            "Resource": "*",
        },
        {
            "Sid": "NoTopics",
            "Effect": "Deny",
            "Action": ["sns:Publish"],
            "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*"}],
        },
        logs_statement(stage, logical_id),
    ]
    if reads_stream:
        statements.append({
            "Sid": "TableStream",
            "Effect": "Allow",
            "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            "Resource": [{"Fn::GetAtt": ["Table", "StreamArn"]}],
        })
        statements.append({
            "Sid": "ListStreams",
            "Effect": "Allow",
            # The one wildcard: ListStreams has no resource-level permissions in IAM.
            "Action": ["dynamodb:ListStreams"],
            "Resource": "*",
        })
    return {"Version": "2012-10-17", "Statement": statements}


def function_resources(options: Options, function: Function) -> Json:
    """What the merge adds to one function: name, environment, tags, stream, log group, role policy."""
    stage = options.stage
    name = function_name(stage, function.logical_id)
    props: Json = {
        "FunctionName": name,
        "Environment": {"Variables": environment(options)},
        "Tags": {"app": "allavie", "stage": stage},
    }
    if function.stream_events:
        # chalice wrote the placeholder ARN from TABLE_STREAM_ARN; the real one is the table's.
        props["Events"] = {event: {"Properties": {"Stream": {"Fn::GetAtt": ["Table", "StreamArn"]}}}
                           for event in function.stream_events}
    if function.role is None:
        raise RuntimeError(f"{function.logical_id} has no role of its own: set autogen_policy false in the config")
    return {
        function.logical_id: {"Properties": props},
        f"{function.logical_id}Logs": {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {"LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": LOG_RETENTION_DAYS},
        },
        function.role: {"Properties": {"Policies": [{
            "PolicyName": f"{function.logical_id}LeastPrivilege",
            "PolicyDocument": function_policy(stage, options.sender, function.logical_id, function.reads_stream),
        }]}},
    }
