"""`allavie deploy` against an AWS emulator on 127.0.0.1: moto server.

The command runs as the operator runs it, with AWS_ENDPOINT_URL aimed at
moto. ``--emulator`` leaves out what moto's CloudFormation cannot create
(CloudFront, the bucket policy, API Gateway deployment and stage); moto also
does not apply TTL or point-in-time recovery from a template, which the
deploy reports (tests/functional/test_template.py checks them in the
template). Shown here: the refusals, a first deploy that creates the stack,
a second that updates it (no duplicate stack, table or bucket), destroy.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from allavie.local import servers

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MOTO = Path(sys.executable).with_name("moto_server")
STAGE = "emutest"
REGION = "eu-north-1"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = servers.free_port()
    proc = subprocess.Popen([str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def env(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    values = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    values.update({
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(home / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
        "ALLAVIE_SENDER_EMAIL": "info@allavieclinic.com",
    })
    values.pop("ALLAVIE_REGION", None)
    return values


def aws(moto_url: str, service: str):
    return boto3.session.Session(region_name=REGION, aws_access_key_id="testing",
                                 aws_secret_access_key="testing").client(service, endpoint_url=moto_url)


def allavie(env: dict[str, str], *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "allavie.cli", *args], cwd=ROOT, env={**env, **extra},
                          capture_output=True, text=True, timeout=120)


def put(moto_url: str, name: str, value: str, kind: str = "SecureString") -> None:
    aws(moto_url, "ssm").put_parameter(Name=f"/allavie/{STAGE}/{name}", Value=value, Type=kind, Overwrite=True)


def test_deploy_refuses_then_creates_then_updates_then_destroys(moto_url, env):
    deploy = ("deploy", "--stage", STAGE, "--emulator")

    # Nothing set up: refused before anything is packaged, naming each missing piece.
    refused = allavie(env, *deploy)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "not verified in SES" in refused.stderr
    assert "STRIPE_SECRET_KEY is missing" in refused.stderr and "STRIPE_PUBLISHABLE_KEY is missing" in refused.stderr
    assert f"--name /allavie/{STAGE}/stripe-secret-key" in refused.stderr
    assert "[2/" not in refused.stdout

    aws(moto_url, "ses").verify_email_identity(EmailAddress="info@allavieclinic.com")
    put(moto_url, "stripe-secret-key", "sk_test_emulator")
    put(moto_url, "stripe-publishable-key", "pk_test_emulator", kind="String")

    # First deploy: creates the stack. The webhook secret may follow (its URL exists only now).
    first = allavie(env, *deploy)
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    for step in range(1, 12):
        assert f"[{step}/11]" in out
    assert "Add     Table" in out and "Add     APIHandler" in out
    assert "To do: the Stripe webhook secret" in out

    cf = aws(moto_url, "cloudformation")
    stack = cf.describe_stacks(StackName=f"allavie-{STAGE}")["Stacks"][0]
    assert stack["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                for r in cf.list_stack_resources(StackName=f"allavie-{STAGE}")["StackResourceSummaries"]}
    assert "Distribution" not in physical, "the emulator template has no CloudFront"

    dynamodb = aws(moto_url, "dynamodb")
    table = dynamodb.describe_table(TableName=f"allavie-{STAGE}")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2"}
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["DeletionProtectionEnabled"] is True

    lam = aws(moto_url, "lambda")
    functions = {f["FunctionName"]: f for f in lam.list_functions()["Functions"]}
    api = functions[f"allavie-{STAGE}-APIHandler"]
    variables = api["Environment"]["Variables"]
    site_url = variables["SITE_URL"]
    assert variables["TABLE_NAME"] == f"allavie-{STAGE}"
    assert variables["STRIPE_SECRET_KEY_PARAM"] == f"/allavie/{STAGE}/stripe-secret-key"
    assert site_url.endswith(physical["SiteBucket"]), "the functions learned the site's address"
    mappings = lam.list_event_source_mappings()["EventSourceMappings"]
    # Two readers of the table's stream: the TTL cascade and the outbox's sender.
    readers = {m["FunctionArn"].rsplit(":", 1)[-1]: m["EventSourceArn"] for m in mappings}
    assert set(readers.values()) == {table["LatestStreamArn"]}, "both read the table's stream"
    assert {f"allavie-{STAGE}-CascadeTtlDeletions", f"allavie-{STAGE}-SendMessages"} <= set(readers), readers

    s3 = aws(moto_url, "s3")
    # The photo function's layer is built and uploaded as on AWS (the emulator's stack leaves the layer out).
    artifacts = f"allavie-artifacts-{aws(moto_url, 'sts').get_caller_identity()['Account']}-{REGION}"
    layers = [o["Key"] for o in s3.list_objects_v2(Bucket=artifacts, Prefix=f"{STAGE}/photo-layer-")["Contents"]]
    assert len(layers) == 1, layers
    with zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket=artifacts, Key=layers[0])["Body"].read())) as layer:
        names = layer.namelist()
    assert any(n.startswith("python/PIL/") for n in names) and any(n.startswith("python/pillow_heif/") for n in names)
    index = s3.head_object(Bucket=physical["SiteBucket"], Key="index.html")
    assert index["ContentType"].startswith("text/html")
    assert s3.head_object(Bucket=physical["SiteBucket"], Key="assets/js/lib/api.js")["ContentType"].startswith("text/javascript")
    link_key = aws(moto_url, "ssm").get_parameter(Name=f"/allavie/{STAGE}/link-signing-key", WithDecryption=True)
    assert link_key["Parameter"]["Type"] == "SecureString" and len(link_key["Parameter"]["Value"]) > 40

    # Now that the stack exists, a missing webhook secret is refused.
    refused = allavie(env, *deploy)
    assert refused.returncode == 2 and "webhook secret is missing" in refused.stderr
    put(moto_url, "stripe-webhook-secret", "whsec_emulator")

    # Second deploy, with another (verified) sender: an update of the same stack.
    aws(moto_url, "ses").verify_domain_identity(Domain="hudateljen.example")
    second = allavie(env, *deploy, ALLAVIE_SENDER_EMAIL="bokning@hudateljen.example")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Modify  APIHandler" in second.stdout and "Modify  ApiHandlerRole" in second.stdout
    assert "Add " not in second.stdout, "nothing is created twice"
    assert "0 uploaded" in second.stdout, "the unchanged site is not uploaded again"
    assert f"{layers[0]} (already there)" in second.stdout, "the same wheels make the same layer"
    stacks = [s for s in cf.describe_stacks()["Stacks"] if s["StackName"].startswith("allavie-")]
    assert [(s["StackName"], s["StackStatus"]) for s in stacks] == [(f"allavie-{STAGE}", "UPDATE_COMPLETE")]
    assert dynamodb.list_tables()["TableNames"] == [f"allavie-{STAGE}"]
    assert dynamodb.describe_table(TableName=f"allavie-{STAGE}")["Table"]["TableArn"] == table["TableArn"]
    api = lam.get_function(FunctionName=f"allavie-{STAGE}-APIHandler")["Configuration"]
    assert api["Environment"]["Variables"]["SENDER_EMAIL"] == "bokning@hudateljen.example"
    assert api["Environment"]["Variables"]["SITE_URL"] == site_url
    # moto keeps a role's first inline policy on update; the stack's template has the new one.
    body = str(cf.get_template(StackName=f"allavie-{STAGE}")["TemplateBody"])
    assert "identity/bokning@hudateljen.example" in body and "identity/info@allavieclinic.com" not in body
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert sorted(b for b in buckets if "sitebucket" in b) == [physical["SiteBucket"].lower()]

    # Destroy: refuses prod; removes the test stage's stack but keeps its table.
    assert allavie(env, "destroy", "--stage", "prod", "--emulator").returncode == 2
    gone = allavie(env, "destroy", "--stage", STAGE, "--emulator")
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert not [s for s in cf.describe_stacks()["Stacks"] if s["StackName"] == f"allavie-{STAGE}"]
    assert dynamodb.list_tables()["TableNames"] == [f"allavie-{STAGE}"], "the data survives destroy"
    again = allavie(env, *deploy)
    assert again.returncode == 2 and "exists without its stack" in again.stderr
