"""``allavie plan | deploy | destroy --stage S``: one CloudFormation stack per stage.

plan     offline: package, merge, cfn-lint, translate; prints what would be deployed.
deploy   checks prerequisites, then plan, uploads, deploys (change set), uploads the
         site, invalidates the CDN and prints the URLs and what changed.
destroy  removes a test stage's stack (never prod); the table is kept unless asked.

The site is built after the stack is deployed: its API URL is the CloudFront
address, which a first deploy learns only when the stack exists.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import mimetypes
import os
import re
import secrets
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from . import aws, build, cfn, photos_stack, site, template

PROTECTED_STAGES = ("prod",)
EU_REGION = re.compile(r"^eu-[a-z]+-\d$")
SENDER_VARIABLE = "ALLAVIE_SENDER_EMAIL"
REQUIRED_SECRETS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY")
SECURE_SECRETS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "LINK_SIGNING_KEY")
NO_CHANGES = ("didn't contain changes", "No updates are to be performed", "The submitted information didn't contain")


class Refused(RuntimeError):
    """A precondition is not met; the message tells the operator what to do."""


class Progress:
    """Numbered steps, flushed at once so the operator sees where it is."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.current = 0

    def step(self, text: str) -> None:
        self.current += 1
        print(f"[{self.current}/{self.total}] {text}", flush=True)

    def note(self, text: str) -> None:
        print(f"      {text}", flush=True)


# --- what the commands need -----------------------------------------------------------


def region_of(args: argparse.Namespace) -> str:
    region = str(args.region or os.environ.get("ALLAVIE_REGION") or template.DEFAULT_REGION)
    if not EU_REGION.match(region):
        raise Refused(f"region {region!r} is outside the EU; the customers' data stays in the EU (default eu-north-1)")
    return region


def sender_address() -> str:
    """The SES sender: $ALLAVIE_SENDER_EMAIL, else clinic.yml's ``clinic.sender``."""
    value = os.environ.get(SENDER_VARIABLE, "").strip()
    if not value:
        from chalicelib.core import clinic

        value = clinic.load().sender.strip()
    if not re.fullmatch(r"[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value or ""):
        raise Refused(f"no valid sender address: set clinic.sender in functions/chalicelib/clinic.yml "
                      f"or {SENDER_VARIABLE} (got {value!r})")
    return value


def options_of(args: argparse.Namespace) -> template.Options:
    try:
        stage = template.check_stage(args.stage)
    except ValueError as error:
        raise Refused(str(error)) from error
    if args.emulator and not aws.endpoint_url():
        raise Refused("--emulator leaves out CloudFront and the bucket policy: it needs AWS_ENDPOINT_URL (an emulator), "
                      "never real AWS")
    return template.Options(stage=stage, sender=sender_address(), emulator=bool(args.emulator))


# --- plan -------------------------------------------------------------------------------


@dataclass
class Plan:
    package: build.Package
    region: str

    def cloudformation(self, bucket: str, key: str, layer_key: str = "photo-layer.zip") -> dict[str, Any]:
        sam = photos_stack.with_layer(cfn.with_code(self.package.sam, bucket, key), bucket, layer_key)
        return cfn.translate(sam, self.region)


def make_plan(options: template.Options, region: str, progress: Progress, *, offline_ok: bool) -> Plan:
    progress.step(f"Packaging the API (chalice package --merge-template) for stage {options.stage}")
    package = build.package(options, region=region, allow_without_dependencies=offline_ok, progress=progress.note)
    size = package.zip_path.stat().st_size / 1e6
    progress.note(f"{len(package.functions)} functions: {', '.join(f.logical_id for f in package.functions)}; "
                  f"deployment.zip {size:.1f} MB")
    progress.step("Validating the template (cfn-lint, SAM and translated CloudFormation)")
    plan = Plan(package, region)
    translated = plan.cloudformation("artifacts-bucket", "code.zip")
    problems = cfn.lint(package.sam, region) + cfn.lint(translated, region)
    if problems:
        raise Refused("cfn-lint found problems in the template:\n  " + "\n  ".join(problems))
    progress.note("cfn-lint: no errors, no warnings")
    (package.directory.parent / "template.json").write_text(json.dumps(translated, indent=2), encoding="utf-8")
    return plan


def build_site(out: Path, site_url: str, api_url: str) -> int:
    try:
        return site.build(out, api_url=api_url, site_url=site_url, clean=True)
    except site.SiteBuildError as error:
        raise Refused(f"mkdocs build failed:\n{error}") from None


def run_plan(args: argparse.Namespace) -> int:
    progress = Progress(3)
    options = options_of(args)
    region = region_of(args)
    plan = make_plan(options, region, progress, offline_ok=True)
    progress.step("Building the site (API under /api on the site's own address)")
    count = build_site(build.BUILD_DIR / options.stage / "site", "https://example.invalid", template.API_PATH)
    progress.note(f"{count} files")
    translated = plan.cloudformation("artifacts-bucket", "code.zip")
    print(f"\nStack {template.stack_name(options.stage)} in {region} would contain:")
    for line in cfn.summary(translated):
        print(f"  {line}")
    print(f"\nTable {template.table_name(options.stage)}: on demand, TTL on {template.ttl_attribute()}, point-in-time "
          "recovery, encrypted, deletion protection, kept when the stack goes, stream to the retention cascade")
    print(f"Sender (SES): {options.sender}")
    print("Secrets (SSM parameter names; the values never enter the template):")
    for name in template.SECRETS:
        print(f"  {name:<24} {template.parameter_name(options.stage, name)}")
    if options.emulator:
        print(f"Emulator template: left out {', '.join(template.EMULATOR_SKIPS)}")
    print(f"\nTemplates: {plan.package.sam_path} (SAM), {plan.package.directory.parent / 'template.json'} (CloudFormation)")
    if not plan.package.with_dependencies:
        print("Note: packaged without the Lambda's libraries (offline); `allavie deploy` fetches them.")
    print("Nothing was sent to AWS. Deploy with: make deploy STAGE=" + options.stage)
    return 0


# --- prerequisites ------------------------------------------------------------------------


@dataclass
class Context:
    options: template.Options
    region: str
    session: Any
    account: str = ""
    stack: dict[str, Any] | None = None
    missing_secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def client(self, service: str) -> Any:
        return aws.client(self.session, service)

    @property
    def stack_name(self) -> str:
        return template.stack_name(self.options.stage)


def describe_stack(cf: Any, name: str) -> dict[str, Any] | None:
    try:
        stacks = cf.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return stacks[0] if stacks else None


def outputs_of(stack: dict[str, Any] | None) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in (stack or {}).get("Outputs", [])}


def put_parameter_command(ctx: Context, name: str, example: str) -> str:
    return (f"aws ssm put-parameter --region {ctx.region} --type SecureString "
            f"--name {template.parameter_name(ctx.options.stage, name)} --value '{example}'")


def check_prerequisites(ctx: Context) -> None:
    """Refuse before anything is built or sent when something is missing."""
    problems: list[str] = []
    if ctx.session.get_credentials() is None:
        raise Refused("no AWS credentials: run `aws configure` (or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                      "AWS_SECRET_ACCESS_KEY) for the clinic's AWS account")
    try:
        ctx.account = ctx.client("sts").get_caller_identity()["Account"]
    except (ClientError, BotoCoreError) as error:
        raise Refused(f"the AWS credentials do not work: {error}") from error

    sender = ctx.options.sender
    domain = sender.split("@", 1)[1]
    ses = ctx.client("ses")
    status = ses.get_identity_verification_attributes(Identities=[sender, domain])["VerificationAttributes"]
    if not any(v.get("VerificationStatus") == "Success" for v in status.values()):
        problems.append(
            f"the sender {sender} is not verified in SES ({ctx.region}). Verify the address (or the domain {domain}):\n"
            f"    aws sesv2 create-email-identity --region {ctx.region} --email-identity {sender}\n"
            "  and follow the link in the e-mail AWS sends.")

    ssm = ctx.client("ssm")
    names = {template.parameter_name(ctx.options.stage, s): s for s in template.SECRETS}
    found: dict[str, str] = {}
    for page in ssm.get_paginator("describe_parameters").paginate(
            ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": list(names)}]):
        for parameter in page["Parameters"]:
            found[names[parameter["Name"]]] = parameter.get("Type", "")
    ctx.stack = describe_stack(ctx.client("cloudformation"), ctx.stack_name)
    for secret in REQUIRED_SECRETS:
        if secret not in found:
            example = "sk_live_..." if secret == "STRIPE_SECRET_KEY" else "pk_live_..."
            problems.append(f"the Stripe secret {secret} is missing in SSM. Put it there with:\n"
                            f"    {put_parameter_command(ctx, secret, example)}")
    if "STRIPE_WEBHOOK_SECRET" not in found:
        command = put_parameter_command(ctx, "STRIPE_WEBHOOK_SECRET", "whsec_...")
        if ctx.stack is None:
            # The webhook's URL exists only after the first deploy: say what to do then.
            ctx.warnings.append("the Stripe webhook secret is not in SSM yet: in Stripe's dashboard add the endpoint "
                                "{api_url}/webhooks/stripe, then:\n    " + command)
        else:
            problems.append(f"the Stripe webhook secret is missing in SSM. Put it there with:\n    {command}")
    for secret, kind in found.items():
        if secret in SECURE_SECRETS and kind != "SecureString":
            problems.append(f"{template.parameter_name(ctx.options.stage, secret)} is a {kind}: store it as a SecureString")
    ctx.missing_secrets = [s for s in template.SECRETS if s not in found]

    if ctx.stack is None:
        table = template.table_name(ctx.options.stage)
        try:
            ctx.client("dynamodb").describe_table(TableName=table)
            problems.append(f"the table {table} exists without its stack (kept from an earlier stack). "
                            "Its data must not be lost: import it into the stack or, for a test stage, "
                            f"remove it with `allavie destroy --stage {ctx.options.stage} --delete-data`.")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
    elif ctx.stack["StackStatus"] == "ROLLBACK_COMPLETE":
        problems.append(f"the first deploy of {ctx.stack_name} failed and was rolled back (see the reasons it printed). "
                        f"Delete the empty stack, then deploy again:\n    aws cloudformation delete-stack --region "
                        f"{ctx.region} --stack-name {ctx.stack_name}")
    elif ctx.stack["StackStatus"].endswith("_IN_PROGRESS") and ctx.stack["StackStatus"] != "REVIEW_IN_PROGRESS":
        problems.append(f"stack {ctx.stack_name} is busy ({ctx.stack['StackStatus']}); wait for it and run again")
    if problems:
        raise Refused("cannot deploy yet:\n- " + "\n- ".join(problems))


# --- artifacts and the stack ---------------------------------------------------------------


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


# --- the site -------------------------------------------------------------------------------

CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
                 ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".map": "application/json",
                 ".webmanifest": "application/manifest+json", ".txt": "text/plain; charset=utf-8",
                 ".ics": "text/calendar; charset=utf-8", ".gz": "application/gzip"}


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _files(directory: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path.relative_to(directory).as_posix(), path


def upload_site(ctx: Context, bucket: str, directory: Path) -> tuple[int, int, int]:
    """Upload what changed (by MD5/ETag), delete what is gone. Returns (uploaded, unchanged, deleted)."""
    s3 = ctx.client("s3")
    existing: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            existing[obj["Key"]] = obj["ETag"].strip('"')
    uploaded = unchanged = 0
    wanted = set()
    for key, path in _files(directory):
        wanted.add(key)
        data = path.read_bytes()
        if existing.get(key) == hashlib.md5(data, usedforsecurity=False).hexdigest():
            unchanged += 1
            continue
        # Pages are checked every time; assets may be cached for an hour.
        cache = "no-cache" if key.endswith(".html") else "public, max-age=3600"
        s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type(path), CacheControl=cache)
        uploaded += 1
    gone = sorted(set(existing) - wanted)
    for start in range(0, len(gone), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in gone[start:start + 1000]]})
    return uploaded, unchanged, len(gone)


def empty_bucket(ctx: Context, bucket: str) -> int:
    s3 = ctx.client("s3")
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                   for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
            removed += len(objects)
    return removed


# --- deploy ---------------------------------------------------------------------------------


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


def ensure_link_key(ctx: Context) -> bool:
    """The link-signing key is ours to make: a random SecureString, once."""
    if "LINK_SIGNING_KEY" not in ctx.missing_secrets:
        return False
    ctx.client("ssm").put_parameter(
        Name=template.parameter_name(ctx.options.stage, "LINK_SIGNING_KEY"), Type="SecureString",
        Value=secrets.token_urlsafe(48), Overwrite=False,
        Description="Signs the links in e-mails (allavie deploy made it); replacing it revokes every link")
    return True


def check_table(ctx: Context) -> list[str]:
    """What the table has in AWS: TTL on the right attribute and PITR."""
    dynamodb = ctx.client("dynamodb")
    name = template.table_name(ctx.options.stage)
    ttl = dynamodb.describe_time_to_live(TableName=name).get("TimeToLiveDescription", {})
    pitr = (dynamodb.describe_continuous_backups(TableName=name).get("ContinuousBackupsDescription", {})
            .get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus", "DISABLED"))
    found = [f"TTL {ttl.get('TimeToLiveStatus', 'DISABLED')} on {ttl.get('AttributeName', '-')}", f"PITR {pitr}"]
    ok = (ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING") and ttl.get("AttributeName") == template.ttl_attribute()
          and pitr == "ENABLED")
    if not ok and not ctx.options.emulator:
        raise Refused(f"the table {name} is deployed but lacks its protection: {'; '.join(found)}")
    if not ok:
        found.append("(moto does not apply TTL or PITR from a template; on AWS this step fails instead)")
    return found


def run_deploy(args: argparse.Namespace) -> int:
    started = time.monotonic()
    options = options_of(args)
    region = region_of(args)
    ctx = Context(options, region, aws.session(region))
    progress = Progress(9)
    progress.step(f"Checking prerequisites (account, region {region}, SES sender, Stripe secrets)")
    check_prerequisites(ctx)
    progress.note(f"account {ctx.account}; sender {options.sender}; stack {ctx.stack_name} "
                  + ("exists" if ctx.stack else "is new"))
    for warning in ctx.warnings:
        progress.note("warning: " + warning.split("\n")[0].replace("{api_url}", "<API URL>"))

    plan = make_plan(options, region, progress, offline_ok=False)

    progress.step("Uploading artifacts")
    bucket = artifacts_bucket(ctx)
    code = plan.package.zip_path.read_bytes()
    code_key = f"{options.stage}/code-{digest(code)}.zip"
    sent = upload(ctx, bucket, code_key, code)
    layer_key = "photo-layer.zip"
    if plan.package.layer_zip is not None:  # the photo function's libraries (photos_stack.py)
        layer = plan.package.layer_zip.read_bytes()
        layer_key = f"{options.stage}/photo-layer-{digest(layer)}.zip"
        upload(ctx, bucket, layer_key, layer)
    translated = plan.cloudformation(bucket, code_key, layer_key)
    if options.emulator:
        translated, left_out = cfn.for_emulator(translated)
        progress.note("emulator: left out " + ", ".join(list(template.EMULATOR_SKIPS) + left_out))
    body = json.dumps(translated, indent=1, sort_keys=True).encode()
    template_key = f"{options.stage}/template-{digest(body)}.json"
    upload(ctx, bucket, template_key, body)
    template_url = f"https://{bucket}.s3.{region}.amazonaws.com/{template_key}"
    progress.note(f"s3://{bucket}/{code_key} ({'uploaded' if sent else 'already there'}), template {template_key}")
    if ensure_link_key(ctx):
        progress.note("made the link-signing key in SSM (random, SecureString)")

    progress.step(f"Deploying stack {ctx.stack_name} (CloudFormation change set)")
    previous_site = ""
    for parameter in (ctx.stack or {}).get("Parameters", []):
        if parameter["ParameterKey"] == "SiteUrl":
            previous_site = parameter.get("ParameterValue", "")
    changes = deploy_stack(ctx, template_url, previous_site)
    outputs = stack_outputs(ctx)
    site_url, api_url = public_urls(ctx, outputs)
    if site_url != previous_site:
        # First deploy: the functions learn the CloudFront address (see template.py).
        progress.note(f"giving the functions the site's address {site_url}")
        changes += deploy_stack(ctx, template_url, site_url)
    protect_stack(ctx)
    for change in changes:
        progress.note(str(change))
    if not changes:
        progress.note("no changes to the stack")

    progress.step("Building the site with the stage's API URL")
    site_dir = build.BUILD_DIR / options.stage / "site"
    count = build_site(site_dir, site_url, api_url)
    progress.note(f"{count} files, API_URL={api_url}")

    progress.step(f"Uploading the site to s3://{outputs['SiteBucketName']}")
    uploaded, unchanged, deleted = upload_site(ctx, outputs["SiteBucketName"], site_dir)
    progress.note(f"{uploaded} uploaded, {unchanged} unchanged, {deleted} deleted")

    progress.step("Invalidating the CDN")
    if options.emulator:
        progress.note("skipped: the emulator has no CloudFront")
    elif uploaded or deleted:
        answer = ctx.client("cloudfront").create_invalidation(
            DistributionId=outputs["DistributionId"],
            InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())})
        progress.note(f"invalidation {answer['Invalidation']['Id']} (takes a minute or two)")
    else:
        progress.note("nothing changed on the site")

    progress.step("Checking the table")
    for line in check_table(ctx):
        progress.note(line)

    print(f"\nDeployed stage {options.stage} in {time.monotonic() - started:.0f} s.")
    print(f"  site  {site_url}/")
    print(f"  API   {api_url}")
    print(f"  what changed: {len(changes)} stack resources, {uploaded + deleted} site files")
    for warning in ctx.warnings:
        print("\nTo do: " + warning.replace("{api_url}", api_url))
    return 0


# --- destroy --------------------------------------------------------------------------------


def run_destroy(args: argparse.Namespace) -> int:
    if args.stage in PROTECTED_STAGES:
        raise Refused(f"refusing to destroy {args.stage}: it holds the clinic's customers. "
                      "Destroy is for test stages only.")
    options = options_of(args)
    region = region_of(args)
    ctx = Context(options, region, aws.session(region))
    progress = Progress(4)
    progress.step("Checking credentials")
    if ctx.session.get_credentials() is None:
        raise Refused("no AWS credentials: run `aws configure` (or set AWS_PROFILE)")
    ctx.account = ctx.client("sts").get_caller_identity()["Account"]
    cf = ctx.client("cloudformation")
    stack = describe_stack(cf, ctx.stack_name)
    progress.step(f"Emptying the site bucket of {ctx.stack_name}")
    if stack is None:
        progress.note("no such stack")
    else:
        bucket = stack_outputs(ctx).get("SiteBucketName")
        if bucket:
            progress.note(f"{empty_bucket(ctx, bucket)} objects removed")
    progress.step(f"Deleting stack {ctx.stack_name}")
    if stack is not None:
        cf.delete_stack(StackName=ctx.stack_name)
        cf.get_waiter("stack_delete_complete").wait(
            StackName=ctx.stack_name, WaiterConfig={"Delay": 1 if options.emulator else 5, "MaxAttempts": 720})
        progress.note("deleted")
    progress.step("The table")
    table = template.table_name(options.stage)
    if args.delete_data:
        dynamodb = ctx.client("dynamodb")
        try:
            dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
            dynamodb.delete_table(TableName=table)
            progress.note(f"{table} deleted with its data")
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            progress.note(f"{table} does not exist")
    else:
        progress.note(f"{table} kept (retained, deletion protection). Remove it too with --delete-data.")
    print(f"\nStage {options.stage} destroyed. The SSM parameters under /allavie/{options.stage}/ were kept.")
    return 0


# --- the command line ----------------------------------------------------------------------


def _guarded(run: Any) -> Any:
    def call(args: argparse.Namespace) -> int:
        try:
            return int(run(args))
        except (Refused, build.BuildError) as error:
            print(f"\nallavie {args.command}: {error}", file=sys.stderr)
            return 2
        except NoCredentialsError:
            print(f"\nallavie {args.command}: no AWS credentials: run `aws configure`", file=sys.stderr)
            return 2
    return call


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--stage", required=True, help="e.g. prod, or a test stage such as test1")
        parser.add_argument("--region", help=f"AWS region in the EU (default {template.DEFAULT_REGION}, or $ALLAVIE_REGION)")
        parser.add_argument("--emulator", action="store_true",
                            help="for moto server (AWS_ENDPOINT_URL): leave out CloudFront and the bucket policy")

    plan = sub.add_parser("plan", help="package, merge and cfn-lint the stack offline; print what would be deployed")
    common(plan)
    plan.set_defaults(func=_guarded(run_plan))
    deploy = sub.add_parser("deploy", help="deploy a stage to AWS (one CloudFormation stack), site included")
    common(deploy)
    deploy.set_defaults(func=_guarded(run_deploy))
    destroy = sub.add_parser("destroy", help="remove a test stage's stack (refuses prod; keeps the table)")
    common(destroy)
    destroy.add_argument("--delete-data", action="store_true", help="also delete the stage's table and its data")
    destroy.set_defaults(func=_guarded(run_destroy))
