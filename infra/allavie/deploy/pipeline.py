"""plan, deploy and destroy as pipelines over plain data.

Each command is a tuple of ``Step``s (a title and what it does) run in order
by ``execute``, which numbers them ``[n/N]``. The steps share one ``Run``: what
the operator chose, and what earlier steps found or made (the plan, the
artifacts' keys, the stack's outputs, the site's counts). Nothing here talks
to the operator beyond the progress lines; the commands print the summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import ClientError

from .. import cfn, template
from . import artifacts, checks, photo_layer, plan, prerequisites, site_upload, stack
from .context import Context, Progress, describe_stack
from .plan import Plan


@dataclass
class Run:
    """One command's way through its steps: given at the start, filled in by the steps."""

    options: template.Options
    region: str
    ctx: Context | None = None          # deploy and destroy; the plan sends nothing
    delete_data: bool = False           # destroy: the table goes too
    plan: Plan | None = None
    layer_zip: Path | None = None       # the photo function's libraries (photo_layer.py)
    layer_key: str | None = None        # ... and where they were uploaded
    template_url: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    site_url: str = ""
    api_url: str = ""
    site_dir: Path | None = None
    changes: list[stack.Change] = field(default_factory=list)
    uploaded: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def aws(self) -> Context:
        if self.ctx is None:
            raise RuntimeError("this step needs AWS; the run has no context")
        return self.ctx

    @property
    def packaged(self) -> Plan:
        if self.plan is None:
            raise RuntimeError("this step needs the package; run the packaging step first")
        return self.plan

    def values(self) -> dict[str, str]:
        """What step titles may name."""
        return {"stage": self.options.stage, "region": self.region, "stack": template.stack_name(self.options.stage),
                "site_bucket": self.outputs.get("SiteBucketName", ""), "runtime": template.LAMBDA_RUNTIME}


@dataclass(frozen=True)
class Step:
    title: str                                 # {stage}, {region}, {stack}, {site_bucket}, {runtime}: see Run.values
    action: Callable[[Run, Progress], None]


def execute(steps: tuple[Step, ...], run: Run) -> Run:
    progress = Progress(len(steps))
    for step in steps:
        progress.step(step.title.format_map(run.values()))
        step.action(run, progress)
    return run


# --- the plan (offline) -------------------------------------------------------------------


def _package(offline_ok: bool) -> Callable[[Run, Progress], None]:
    def action(run: Run, progress: Progress) -> None:
        run.plan = plan.package(run.options, run.region, progress, offline_ok=offline_ok)
    return action


def _validate(run: Run, progress: Progress) -> None:
    plan.validate(run.packaged, progress)


def _plan_site(run: Run, progress: Progress) -> None:
    count = plan.build_site(plan.site_dir(run.options), "https://example.invalid", template.API_PATH)
    progress.note(f"{count} files")


PACKAGE = "Packaging the API (chalice package --merge-template) for stage {stage}"
VALIDATE = "Validating the template (cfn-lint, SAM and translated CloudFormation)"

PLAN: tuple[Step, ...] = (
    Step(PACKAGE, _package(offline_ok=True)),
    Step(VALIDATE, _validate),
    Step("Building the site (API under /api on the site's own address)", _plan_site),
)


# --- deploy -------------------------------------------------------------------------------


def _prerequisites(run: Run, progress: Progress) -> None:
    ctx = run.aws
    prerequisites.check_prerequisites(ctx)
    progress.note(f"account {ctx.account}; sender {run.options.sender}; stack {ctx.stack_name} "
                  + ("exists" if ctx.stack else "is new"))
    for warning in ctx.warnings:
        progress.note("warning: " + warning.split("\n")[0].replace("{api_url}", "<API URL>"))


def _build_layer(run: Run, progress: Progress) -> None:
    if not photo_layer.needed(run.packaged.package.functions):
        progress.note("skipped: the package has no photo function")
        return
    run.layer_zip = photo_layer.build_layer(photo_layer.layer_path(run.options.stage))
    progress.note(photo_layer.size_line(run.layer_zip))


def _upload_layer(run: Run, progress: Progress) -> None:
    if run.layer_zip is None:
        progress.note("skipped: no layer was built")
        return
    ctx, bucket = run.aws, artifacts.artifacts_bucket(run.aws)
    layer = run.layer_zip.read_bytes()
    run.layer_key = f"{run.options.stage}/photo-layer-{artifacts.digest(layer)}.zip"
    sent = artifacts.upload(ctx, bucket, run.layer_key, layer)
    progress.note(f"s3://{bucket}/{run.layer_key} ({'uploaded' if sent else 'already there'})"
                  + ("; the emulator's stack leaves the layer out" if run.options.emulator else ""))


def _upload_artifacts(run: Run, progress: Progress) -> None:
    ctx, options = run.aws, run.options
    bucket = artifacts.artifacts_bucket(ctx)
    code = run.packaged.package.zip_path.read_bytes()
    code_key = f"{options.stage}/code-{artifacts.digest(code)}.zip"
    sent = artifacts.upload(ctx, bucket, code_key, code)
    translated = run.packaged.cloudformation(bucket, code_key, run.layer_key)
    if options.emulator:
        translated, left_out = cfn.for_emulator(translated)
        progress.note("emulator: left out " + ", ".join(list(template.EMULATOR_SKIPS) + left_out))
    body = json.dumps(translated, indent=1, sort_keys=True).encode()
    template_key = f"{options.stage}/template-{artifacts.digest(body)}.json"
    artifacts.upload(ctx, bucket, template_key, body)
    run.template_url = f"https://{bucket}.s3.{run.region}.amazonaws.com/{template_key}"
    progress.note(f"s3://{bucket}/{code_key} ({'uploaded' if sent else 'already there'}), template {template_key}")
    if prerequisites.ensure_link_key(ctx):
        progress.note("made the link-signing key in SSM (random, SecureString)")


def _deploy_stack(run: Run, progress: Progress) -> None:
    ctx = run.aws
    previous_site = ""
    for parameter in (ctx.stack or {}).get("Parameters", []):
        if parameter["ParameterKey"] == "SiteUrl":
            previous_site = parameter.get("ParameterValue", "")
    run.changes = stack.deploy_stack(ctx, run.template_url, previous_site)
    run.outputs = stack.stack_outputs(ctx)
    run.site_url, run.api_url = stack.public_urls(ctx, run.outputs)
    if run.site_url != previous_site:
        # First deploy: the functions learn the CloudFront address (see allavie.template).
        progress.note(f"giving the functions the site's address {run.site_url}")
        run.changes += stack.deploy_stack(ctx, run.template_url, run.site_url)
    stack.protect_stack(ctx)
    for change in run.changes:
        progress.note(str(change))
    if not run.changes:
        progress.note("no changes to the stack")


def _build_site(run: Run, progress: Progress) -> None:
    run.site_dir = plan.site_dir(run.options)
    count = plan.build_site(run.site_dir, run.site_url, run.api_url)
    progress.note(f"{count} files, API_URL={run.api_url}")


def _upload_site(run: Run, progress: Progress) -> None:
    directory = run.site_dir or plan.site_dir(run.options)
    run.uploaded, run.unchanged, run.deleted = site_upload.upload_site(run.aws, run.outputs["SiteBucketName"], directory)
    progress.note(f"{run.uploaded} uploaded, {run.unchanged} unchanged, {run.deleted} deleted")


def _invalidate(run: Run, progress: Progress) -> None:
    if run.options.emulator:
        progress.note("skipped: the emulator has no CloudFront")
    elif run.uploaded or run.deleted:
        invalidation = site_upload.invalidate(run.aws, run.outputs["DistributionId"])
        progress.note(f"invalidation {invalidation} (takes a minute or two)")
    else:
        progress.note("nothing changed on the site")


def _check_table(run: Run, progress: Progress) -> None:
    for line in checks.check_table(run.aws):
        progress.note(line)


DEPLOY: tuple[Step, ...] = (
    Step("Checking prerequisites (account, region {region}, SES sender, Stripe secrets)", _prerequisites),
    Step(PACKAGE, _package(offline_ok=False)),
    Step(VALIDATE, _validate),
    Step("Building the photo function's layer (Pillow, pillow-heif; Linux wheels for {runtime})", _build_layer),
    Step("Uploading the photo function's layer", _upload_layer),
    Step("Uploading artifacts", _upload_artifacts),
    Step("Deploying stack {stack} (CloudFormation change set)", _deploy_stack),
    Step("Building the site with the stage's API URL", _build_site),
    Step("Uploading the site to s3://{site_bucket}", _upload_site),
    Step("Invalidating the CDN", _invalidate),
    Step("Checking the table", _check_table),
)


# --- destroy ------------------------------------------------------------------------------


def _credentials(run: Run, progress: Progress) -> None:
    ctx = run.aws
    prerequisites.check_credentials(ctx)
    ctx.stack = describe_stack(ctx.client("cloudformation"), ctx.stack_name)


def _empty_site_bucket(run: Run, progress: Progress) -> None:
    if run.aws.stack is None:
        progress.note("no such stack")
        return
    bucket = stack.stack_outputs(run.aws).get("SiteBucketName")
    if bucket:
        progress.note(f"{site_upload.empty_bucket(run.aws, bucket)} objects removed")


def _delete_stack(run: Run, progress: Progress) -> None:
    ctx = run.aws
    if ctx.stack is None:
        return
    cf = ctx.client("cloudformation")
    cf.delete_stack(StackName=ctx.stack_name)
    cf.get_waiter("stack_delete_complete").wait(
        StackName=ctx.stack_name, WaiterConfig={"Delay": 1 if run.options.emulator else 5, "MaxAttempts": 720})
    progress.note("deleted")


def _photo_bucket(run: Run, progress: Progress) -> None:
    bucket = template.photos.physical_name(run.options.stage, run.aws.account)
    if not run.delete_data:
        progress.note(f"{bucket} kept (retained: customers' photos). Remove it too with --delete-data.")
        return
    try:
        removed = site_upload.empty_bucket(run.aws, bucket)
        run.aws.client("s3").delete_bucket(Bucket=bucket)
        progress.note(f"{bucket} deleted with its {removed} objects")
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("NoSuchBucket", "404", "NotFound"):
            raise
        progress.note(f"{bucket} does not exist")


def _table(run: Run, progress: Progress) -> None:
    table = template.table_name(run.options.stage)
    if not run.delete_data:
        progress.note(f"{table} kept (retained, deletion protection). Remove it too with --delete-data.")
        return
    dynamodb = run.aws.client("dynamodb")
    try:
        dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
        dynamodb.delete_table(TableName=table)
        progress.note(f"{table} deleted with its data")
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        progress.note(f"{table} does not exist")


DESTROY: tuple[Step, ...] = (
    Step("Checking credentials", _credentials),
    Step("Emptying the site bucket of {stack}", _empty_site_bucket),
    Step("Deleting stack {stack}", _delete_stack),
    Step("The photo bucket", _photo_bucket),
    Step("The table", _table),
)
