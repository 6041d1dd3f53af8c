"""The stack: a change set (refused when it would replace or remove the table),
followed resource by resource until it settles, protected afterwards, and read
back for its outputs and public URLs."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .. import aws, template
from .context import PROTECTED_STAGES, Context, Refused, describe_stack, outputs_of

NO_CHANGES = ("didn't contain changes", "No updates are to be performed", "The submitted information didn't contain")


@dataclass(frozen=True)
class Change:
    action: str
    logical_id: str
    resource_type: str
    replacement: str

    def __str__(self) -> str:
        replace = " (replaced)" if self.replacement == "True" else ""
        return f"{self.action:<7} {self.logical_id:<36} {self.resource_type}{replace}"


def _wait_change_set(cf: Any, stack: str, name: str, delay: float) -> dict[str, Any]:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        answer = cf.describe_change_set(StackName=stack, ChangeSetName=name)
        if answer["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return dict(answer)
        time.sleep(delay)
    raise Refused(f"change set {name} was not ready within 10 minutes")


def _failure_reasons(cf: Any, stack: str) -> list[str]:
    try:
        events = cf.describe_stack_events(StackName=stack)["StackEvents"][:30]
    except ClientError:
        return []
    return [f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
            for e in events if e.get("ResourceStatus", "").endswith("FAILED")]


def _event_ids(cf: Any, stack: str) -> set[str]:
    try:
        return {e["EventId"] for e in cf.describe_stack_events(StackName=stack)["StackEvents"]}
    except ClientError:
        return set()


def _follow(cf: Any, stack: str, seen: set[str], delay: float) -> str:
    """Print each resource's progress until the stack settles; its final status."""
    deadline = time.monotonic() + 3 * 3600  # CloudFront alone may take 15 minutes
    while time.monotonic() < deadline:
        time.sleep(delay)
        for event in reversed(cf.describe_stack_events(StackName=stack)["StackEvents"]):
            if event["EventId"] in seen:
                continue
            seen.add(event["EventId"])
            if event["LogicalResourceId"] != stack:
                reason = event.get("ResourceStatusReason") or ""
                print(f"        {event['ResourceStatus']:<20} {event['LogicalResourceId']} {reason}"[:160], flush=True)
        status = str(describe_stack(cf, stack)["StackStatus"])  # type: ignore[index]
        if not status.endswith("_IN_PROGRESS"):
            return status
    raise Refused(f"stack {stack} did not settle within 3 hours")


def deploy_stack(ctx: Context, template_url: str, site_url: str) -> list[Change]:
    """Create or update the stack through a change set; [] when nothing changed."""
    cf = ctx.client("cloudformation")
    current = describe_stack(cf, ctx.stack_name)
    # REVIEW_IN_PROGRESS: a change set was made but never run; the stack is still to create.
    exists = current is not None and current["StackStatus"] != "REVIEW_IN_PROGRESS"
    name = f"allavie-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    delay = 0.2 if ctx.options.emulator else 3.0
    cf.create_change_set(
        StackName=ctx.stack_name, ChangeSetName=name, ChangeSetType="UPDATE" if exists else "CREATE",
        TemplateURL=template_url, Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": "SiteUrl", "ParameterValue": site_url}],
        Tags=[{"Key": "app", "Value": "allavie"}, {"Key": "stage", "Value": ctx.options.stage}],
        Description=f"allavie deploy {ctx.options.stage}",
    )
    answer = _wait_change_set(cf, ctx.stack_name, name, delay)
    if answer["Status"] == "FAILED":
        reason = answer.get("StatusReason", "")
        if any(text in reason for text in NO_CHANGES):
            cf.delete_change_set(StackName=ctx.stack_name, ChangeSetName=name)
            return []
        raise Refused(f"CloudFormation refused the change set: {reason}")
    changes = [
        Change(c["ResourceChange"].get("Action", "?"), c["ResourceChange"].get("LogicalResourceId", "?"),
               c["ResourceChange"].get("ResourceType", "?"), str(c["ResourceChange"].get("Replacement", "")))
        for c in answer.get("Changes", []) if c.get("Type") == "Resource"
    ]
    for change in changes:
        if change.logical_id == "Table" and (change.action == "Remove" or change.replacement == "True"):
            cf.delete_change_set(StackName=ctx.stack_name, ChangeSetName=name)
            raise Refused("this change would replace or remove the table (its data): refused. "
                          "Key or index changes need a migration, not a deploy.")
    seen = _event_ids(cf, ctx.stack_name)
    cf.execute_change_set(StackName=ctx.stack_name, ChangeSetName=name)
    status = _follow(cf, ctx.stack_name, seen, delay)
    if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        reasons = _failure_reasons(cf, ctx.stack_name)
        raise Refused(f"the stack did not deploy ({status}); CloudFormation rolled it back.\n  " + "\n  ".join(reasons))
    return changes


def protect_stack(ctx: Context) -> None:
    """The table may never be replaced or deleted by a stack update; prod cannot be deleted."""
    cf = ctx.client("cloudformation")
    cf.set_stack_policy(StackName=ctx.stack_name, StackPolicyBody=json.dumps(template.stack_policy()))
    if ctx.options.stage in PROTECTED_STAGES:
        cf.update_termination_protection(StackName=ctx.stack_name, EnableTerminationProtection=True)


def stack_outputs(ctx: Context) -> dict[str, str]:
    cf = ctx.client("cloudformation")
    outputs = outputs_of(describe_stack(cf, ctx.stack_name))
    if ctx.options.emulator and "SiteBucketName" not in outputs:
        # moto does not evaluate Outputs after executing a change set: read the resources.
        physical = {r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
                    for page in cf.get_paginator("list_stack_resources").paginate(StackName=ctx.stack_name)
                    for r in page["StackResourceSummaries"]}
        outputs["SiteBucketName"] = physical["SiteBucket"]
        outputs["TableName"] = physical["Table"]
        outputs["EndpointURL"] = f"https://{physical['RestAPI']}.execute-api.{ctx.region}.amazonaws.com{template.API_PATH}/"
    return outputs


def public_urls(ctx: Context, outputs: dict[str, str]) -> tuple[str, str]:
    """(site URL, API URL) of the deployed stack."""
    if ctx.options.emulator:
        # No CloudFront in the emulator: the bucket and API Gateway directly.
        site = f"{aws.endpoint_url()}/{outputs['SiteBucketName']}"
        return site, outputs["EndpointURL"].rstrip("/")
    return outputs["SiteUrl"], outputs["ApiUrl"]
