"""Every operator command that reads the table takes ``--local`` (make dev's
DynamoDB Local, its table, credentials and outbox), and without credentials
or a reachable table says what is missing in one line, exit 2.

The commands run as an operator runs them next to ``make dev``: a shell with no
AWS credentials and no endpoint, DYNAMODB_PORT, STRIPE_PORT and S3_PORT naming the
fixtures' DynamoDB Local, localstripe and moto's S3 (make dev's would be 8002, 8420 and 8003).
The data is written in-process into make dev's table on that DynamoDB Local.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allavie.local import dev, s3_server, servers

NOW = "2027-03-20T12:00:00+01:00"
ROOT = Path(__file__).resolve().parents[2]
# What app_env sets for the API; a shell next to make dev has none of it.
APP_VARIABLES = ("TABLE_NAME", "DYNAMODB_ENDPOINT", "STRIPE_API_BASE", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY",
                 "STRIPE_WEBHOOK_SECRET", "LINK_SIGNING_KEY", "OUTBOX_DIR", "API_URL", "SITE_URL", "STAGE",
                 "S3_ENDPOINT", "PHOTO_BUCKET")
COMMANDS = {
    "init-table": ["init-table"],
    "ledger": ["ledger", "--year", "2026"],
    "receipts": ["receipts", "--year", "2026"],
    "rights export": ["rights", "export", "--email", "nobody@example.se"],
    "rights erase": ["rights", "erase", "--email", "nobody@example.se", "--yes"],
    "rights report": ["rights", "report", "--month", "2027-03"],
    "retention": ["retention", "--as-of", "2027-03-01"],
}


def shell(tmp_path: Path, dynamodb_port: int, stripe_port: int, s3_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in APP_VARIABLES}
    env.update({
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",  # no instance role to look for
        "DYNAMODB_PORT": str(dynamodb_port),
        "STRIPE_PORT": str(stripe_port),
        "S3_PORT": str(s3_port),  # make dev's photo bucket: an erasure empties it too
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "ALLAVIE_NOW": NOW,
    })
    return env


class Operator:
    """``allavie ...`` run in that shell."""

    def __init__(self, env: dict[str, str], s3_url: str = "") -> None:
        self.env = env
        self.s3_url = s3_url

    def __call__(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "allavie.cli", *args], cwd=ROOT, env={**self.env, **extra},
                              capture_output=True, text=True, timeout=60)


@pytest.fixture()
def operator(tmp_path: Path, dynamodb_url: str, stripe_url: str, s3_url: str) -> Operator:
    return Operator(shell(tmp_path, urlsplit(dynamodb_url).port or 0, urlsplit(stripe_url).port or 0,
                          urlsplit(s3_url).port or 0), s3_url)


@pytest.fixture()
def dev_table(table: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """make dev's table in the fixtures' DynamoDB Local, empty; the tests' own table again afterwards."""
    from chalicelib.store import connection as db
    from chalicelib.store.models import Item

    name = dev.Settings.from_env().app_env()["TABLE_NAME"]
    saved = os.environ["TABLE_NAME"]
    os.environ["TABLE_NAME"] = name
    monkeypatch.setenv("ALLAVIE_NOW", NOW)
    try:
        db.ensure_table()
        with Item.batch_write() as batch:
            for item in Item.scan():
                batch.delete(item)
        yield name
    finally:
        os.environ["TABLE_NAME"] = saved
        db.bind()


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_without_credentials_each_command_names_what_is_missing_in_one_line(operator, command) -> None:
    line = one_line(operator(*COMMANDS[command]))
    group = command.split()[0]
    assert line == (f"allavie {group}: no AWS credentials found; run `aws configure`, "
                    "or add --local to use make dev's DynamoDB Local")


@pytest.mark.parametrize("command", [["rights", "export", "--email", "nobody@example.se"],
                                     ["rights", "erase", "--email", "nobody@example.se", "--yes"],
                                     ["retention", "--as-of", "2027-03-01", "--apply"]])
def test_in_aws_a_command_that_reaches_the_photo_bucket_wants_its_name_first(operator, command) -> None:
    """The bucket's name holds the account: guessing it would erase nothing, or in a stranger's bucket."""
    line = one_line(operator(*command, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                             AWS_DEFAULT_REGION="eu-north-1", AWS_ENDPOINT_URL="http://127.0.0.1:9"))
    assert line == (f"allavie {command[0]}: PHOTO_BUCKET is not set: name the stage's photo bucket (the stack's output "
                    "PhotoBucketName, allavie-<stage>-photos-<account>), or add --local to use make dev's")


@pytest.mark.parametrize("command", COMMANDS)
def test_local_without_make_dev_says_so_in_one_line(operator, command) -> None:
    port = servers.free_port()
    line = one_line(operator(*COMMANDS[command], "--local", DYNAMODB_PORT=str(port)))
    assert line.startswith(f"allavie {command.split()[0]}: make dev's DynamoDB Local does not answer at "
                           f"http://127.0.0.1:{port}: start `make dev`")


def test_init_table_local_makes_make_devs_table_which_the_others_then_read(operator, dev_table) -> None:
    from chalicelib.store.models import Item

    Item.delete_table()
    assert one_line(operator("ledger", "--year", "2026", "--local")) == (
        f"allavie ledger: make dev's DynamoDB Local has no table {dev_table}: start `make dev` once, it makes it")
    made = operator("init-table", "--local")
    assert (made.returncode, made.stdout) == (0, "created\n"), made.stderr
    again = operator("init-table", "--local")
    assert (again.returncode, again.stdout) == (0, "exists\n"), again.stderr


def test_ledger_local(operator, dev_table) -> None:
    from chalicelib.core.clock import STOCKHOLM
    from chalicelib.payments import ledger

    ledger.record_payment("b0", "pi_0", "ch_0", 30000, dt.datetime(2026, 3, 1, 12, 0, tzinfo=STOCKHOLM))
    result = operator("ledger", "--year", "2026", "--local")
    assert result.returncode == 0, result.stderr
    assert "2026-03-01,payment,300.00" in result.stdout and result.stdout.rstrip().endswith("total,,300.00,SEK,,,,,,,0.00")


def test_receipts_local(operator, dev_table) -> None:
    from chalicelib.core.clock import STOCKHOLM
    from chalicelib.payments import receipts
    from chalicelib.payments.values import Paid

    paid = Paid("pi_0", "succeeded", 30000, "sek", "ch_0", 0, "b0", None, "kemisk-peeling")
    receipts.paid(paid, dt.datetime(2026, 3, 1, 12, 0, tzinfo=STOCKHOLM))
    result = operator("receipts", "--year", "2026", "--local")
    assert result.returncode == 0, result.stderr
    assert "\n1,receipt,2026-03-01,Kemisk peeling,300.00,SEK,25,60.00,,b0,pi_0,ch_0,Allavie AB,Hudateljén," in result.stdout
    assert "receipts 2026: numbers 1-1, no gaps" in result.stderr


def test_rights_export_report_and_erase_local_use_make_devs_table_and_outbox(operator, dev_table) -> None:
    from chalicelib.store.models import Customer, Item
    from support.rights_customers import make_customer

    greta = make_customer(dt.datetime.fromisoformat(NOW), email="greta@example.se", visits=((-30, "completed"),))
    outbox = Path(operator.env["OUTBOX_DIR"])
    outbox.mkdir()
    copy = outbox / f"{greta.id}-20270201T100000000000-abcd.eml"  # as the outbox names a sent e-mail
    copy.write_text("Subject: Bokning\n\nHej Greta\n", encoding="utf-8")

    exported = operator("rights", "export", "--email", "greta@example.se", "--local")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["customer"]["email"] == "greta@example.se"
    report = operator("rights", "report", "--month", "2027-03", "--local")
    assert report.returncode == 0, report.stderr
    assert "requests received 2027-03: 1" in report.stdout and "operator" in report.stdout

    bucket = s3_server.client(operator.s3_url)
    bucket.put_object(Bucket=s3_server.BUCKET, Key=f"photos/{greta.id}/b0/0123456789abcdef.jpg", Body=b"jpeg")

    erased = operator("rights", "erase", "--email", "greta@example.se", "--yes", "--local")
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout)["cancelled"] == 0
    assert not copy.exists(), "the copy in make dev's outbox went with the customer"
    assert "Contents" not in bucket.list_objects_v2(Bucket=s3_server.BUCKET), "her photos in make dev's bucket went too"
    assert not [i for i in Item.scan() if isinstance(i, Customer)]

    # make dev's bucket not answering: said in one line; the erasure stopped after its fence, and the
    # night's sweep finishes it (the profile is due at once), photos included
    hugo = make_customer(dt.datetime.fromisoformat(NOW), email="hugo@example.se", visits=((-30, "completed"),))
    bucket.put_object(Bucket=s3_server.BUCKET, Key=f"uploads/{hugo.id}/b0/1/0123456789abcdef", Body=b"jpeg")
    dead = servers.free_port()
    assert one_line(operator("rights", "erase", "--email", "hugo@example.se", "--yes", "--local",
                             S3_PORT=str(dead))) == (
        f"allavie rights: make dev's photo bucket (moto's S3) does not answer at http://127.0.0.1:{dead}: "
        "start `make dev` (or set S3_PORT to the port it uses)")
    swept = operator("retention", "--as-of", "2027-03-20", "--apply", "--local")
    assert swept.returncode == 0 and "Deleted: 1 customers" in swept.stdout, swept.stdout + swept.stderr
    assert "Contents" not in bucket.list_objects_v2(Bucket=s3_server.BUCKET)
    assert not [i for i in Item.scan() if isinstance(i, Customer)]


def test_retention_local_lists_and_deletes_in_make_devs_table(operator, dev_table) -> None:
    from support.retention_data import customer_with_visit, dump, everything, stockholm

    alma = customer_with_visit("Alma Förr", "alma@example.se", "+46701230001", stockholm(2024, 1, 10))
    listed = operator("retention", "--as-of", "2027-03-01", "--local")
    assert listed.returncode == 0, listed.stderr
    assert alma.customer_id in listed.stdout and "Nothing deleted" in listed.stdout
    applied = operator("retention", "--as-of", "2027-03-01", "--apply", "--local")
    assert applied.returncode == 0, applied.stderr
    assert "Deleted: 1 customers" in applied.stdout
    assert alma.customer_id not in dump(everything())
