"""``allavie plan | deploy | destroy --stage S``: one CloudFormation stack per stage.

plan     offline: package, merge, cfn-lint, translate; prints what would be deployed.
deploy   checks prerequisites, then plan, uploads, deploys (change set), uploads the
         site, invalidates the CDN and prints the URLs and what changed.
destroy  removes a test stage's stack (never prod); the table and the photo bucket are kept unless asked.

The steps are ``allavie.deploy.pipeline``'s; this module turns the command line
into a ``Run`` and prints what the operator needs afterwards.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from botocore.exceptions import NoCredentialsError

from .. import aws, build, cfn, template
from ..deploy import pipeline
from ..deploy.context import PROTECTED_STAGES, Context, Refused
from ..deploy.options import options_of, organisation_number, region_of

Command = Callable[[argparse.Namespace], int]


def domain_organisation_number() -> str:
    from .. import domain

    return domain.clinic.load().organisation_number


def run_plan(args: argparse.Namespace) -> int:
    options = options_of(args.stage, emulator=bool(args.emulator))
    region = region_of(args.region)
    run = pipeline.execute(pipeline.PLAN, pipeline.Run(options, region))
    plan = run.packaged
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
    print(f"\nTemplates: {plan.package.sam_path} (SAM), {plan.template_path} (CloudFormation)")
    if not domain_organisation_number():
        print("Note: clinic.organisation_number is empty: receipts say it is missing, and deploying prod refuses.")
    if not plan.package.with_dependencies:
        print("Note: packaged without the Lambda's libraries (offline); `allavie deploy` fetches them.")
    print("Nothing was sent to AWS. Deploy with: make deploy STAGE=" + options.stage)
    return 0


def run_deploy(args: argparse.Namespace) -> int:
    started = time.monotonic()
    options = options_of(args.stage, emulator=bool(args.emulator))
    region = region_of(args.region)
    organisation_number(options.stage)  # before anything is asked of AWS
    ctx = Context(options, region, aws.session(region))
    run = pipeline.execute(pipeline.DEPLOY, pipeline.Run(options, region, ctx))
    print(f"\nDeployed stage {options.stage} in {time.monotonic() - started:.0f} s.")
    print(f"  site  {run.site_url}/")
    print(f"  API   {run.api_url}")
    print(f"  what changed: {len(run.changes)} stack resources, {run.uploaded + run.deleted} site files")
    for warning in ctx.warnings:
        print("\nTo do: " + warning.replace("{api_url}", run.api_url))
    return 0


def run_destroy(args: argparse.Namespace) -> int:
    if args.stage in PROTECTED_STAGES:
        raise Refused(f"refusing to destroy {args.stage}: it holds the clinic's customers. "
                      "Destroy is for test stages only.")
    options = options_of(args.stage, emulator=bool(args.emulator))
    region = region_of(args.region)
    ctx = Context(options, region, aws.session(region))
    pipeline.execute(pipeline.DESTROY, pipeline.Run(options, region, ctx, delete_data=bool(args.delete_data)))
    print(f"\nStage {options.stage} destroyed. The SSM parameters under /allavie/{options.stage}/ were kept.")
    return 0


def _guarded(run: Command) -> Command:
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
    destroy = sub.add_parser("destroy", help="remove a test stage's stack (refuses prod; keeps the table and photos)")
    common(destroy)
    destroy.add_argument("--delete-data", action="store_true",
                         help="also delete the stage's table and photo bucket, with their data")
    destroy.set_defaults(func=_guarded(run_destroy))
