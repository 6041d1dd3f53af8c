"""Before anything is built or sent: credentials, the SES sender, the Stripe
secrets in SSM and the state of the stack and its table. Each refusal names
the command that fixes it."""

from __future__ import annotations

import secrets

from botocore.exceptions import BotoCoreError, ClientError

from .. import template
from .context import Context, Refused, describe_stack

REQUIRED_SECRETS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY")
SECURE_SECRETS = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "LINK_SIGNING_KEY")


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


def check_credentials(ctx: Context) -> None:
    """Enough for destroy: credentials that name the account."""
    if ctx.session.get_credentials() is None:
        raise Refused("no AWS credentials: run `aws configure` (or set AWS_PROFILE)")
    ctx.account = ctx.client("sts").get_caller_identity()["Account"]


def ensure_link_key(ctx: Context) -> bool:
    """The link-signing key is ours to make: a random SecureString, once."""
    if "LINK_SIGNING_KEY" not in ctx.missing_secrets:
        return False
    ctx.client("ssm").put_parameter(
        Name=template.parameter_name(ctx.options.stage, "LINK_SIGNING_KEY"), Type="SecureString",
        Value=secrets.token_urlsafe(48), Overwrite=False,
        Description="Signs the links in e-mails (allavie deploy made it); replacing it revokes every link")
    return True
