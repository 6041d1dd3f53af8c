"""`allavie plan` on a fresh clone, with no AWS credentials and no network.

The clone has no build cache; the package index is unreachable (so chalice
cannot fetch the Lambda's libraries) and AWS_ENDPOINT_URL points at a closed
port, so any AWS call would fail: the plan must still package, merge,
cfn-lint and print the stack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def offline_env(home: Path, clone: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PIP_"))}
    env.update({
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",   # nothing listens: an AWS call would fail
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",  # offline
        "PIP_NO_CACHE_DIR": "1",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
        "PYTHONPATH": f"{clone / 'infra'}{os.pathsep}{clone / 'functions'}",  # the clone's code, not this tree's
    })
    return env


def test_plan_works_offline_on_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(clone)], check=True, timeout=60)
    assert not (clone / "build").exists()

    result = subprocess.run(
        [sys.executable, "-m", "allavie.cli", "plan", "--stage", "prod"],
        cwd=clone, env=offline_env(tmp_path, clone), capture_output=True, text=True, timeout=180,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr + out
    assert "[1/3] Packaging" in out and "[2/3] Validating" in out and "[3/3] Building the site" in out
    assert "cfn-lint: no errors, no warnings" in out
    assert "Nothing was sent to AWS" in out
    assert "packaged without the Lambda's libraries (offline)" in out, "the index was unreachable"
    assert "AWS::DynamoDB::Table" in out and "AWS::CloudFront::Distribution" in out
    assert "/allavie/prod/stripe-secret-key" in out

    generated = json.loads((clone / "build" / "prod" / "template.json").read_text())
    table = generated["Resources"]["Table"]
    assert table["Properties"]["TableName"] == "allavie-prod"
    assert table["DeletionPolicy"] == "Retain"
    assert (clone / "build" / "prod" / "site" / "index.html").is_file()


def test_destroy_refuses_prod_before_anything_else(tmp_path):
    env = offline_env(tmp_path, ROOT)
    result = subprocess.run([sys.executable, "-m", "allavie.cli", "destroy", "--stage", "prod"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "refusing to destroy prod" in result.stderr


def clinic_with_organisation_number(tmp_path: Path, number: str = "556123-4567") -> Path:
    """The packaged clinic file with an organisation number, as a clinic has it before going live."""
    text = (ROOT / "functions" / "chalicelib" / "clinic.yml").read_text(encoding="utf-8")
    assert 'organisation_number: ""' in text
    path = tmp_path / "clinic.yml"
    path.write_text(text.replace('organisation_number: ""', f'organisation_number: "{number}"'), encoding="utf-8")
    return path


def test_deploy_refuses_without_credentials(tmp_path):
    env = offline_env(tmp_path, ROOT)
    env["CLINIC_FILE"] = str(clinic_with_organisation_number(tmp_path))  # past the organisation number's check
    result = subprocess.run([sys.executable, "-m", "allavie.cli", "deploy", "--stage", "prod"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no AWS credentials" in result.stderr
    assert "[2/" not in result.stdout, "nothing is packaged before the checks pass"


def test_deploy_refuses_a_region_outside_the_eu(tmp_path):
    env = offline_env(tmp_path, ROOT)
    result = subprocess.run([sys.executable, "-m", "allavie.cli", "deploy", "--stage", "prod", "--region", "us-east-1"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "outside the EU" in result.stderr


def test_deploy_refuses_prod_without_an_organisation_number(tmp_path):
    """Receipts must carry it: prod refuses in one line before AWS is asked anything; a test stage goes on."""
    env = offline_env(tmp_path, ROOT)
    env.pop("CLINIC_FILE", None)  # the packaged file, whose number is empty
    result = subprocess.run([sys.executable, "-m", "allavie.cli", "deploy", "--stage", "prod"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    [line] = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("allavie deploy: no organisation number")
    assert "clinic.organisation_number in functions/chalicelib/clinic.yml" in line
    assert "no AWS credentials" not in result.stderr and "[1/" not in result.stdout

    test_stage = subprocess.run([sys.executable, "-m", "allavie.cli", "deploy", "--stage", "test1"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert test_stage.returncode == 2
    assert "organisation number" not in test_stage.stderr and "no AWS credentials" in test_stage.stderr


def test_a_malformed_organisation_number_is_refused_when_the_clinic_file_is_read(tmp_path):
    env = offline_env(tmp_path, ROOT)
    env["CLINIC_FILE"] = str(clinic_with_organisation_number(tmp_path, "556123-4568"))  # a wrong check digit
    result = subprocess.run([sys.executable, "-m", "allavie.cli", "deploy", "--stage", "prod"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the clinic file is wrong: clinic.organisation_number" in result.stderr and "check digit" in result.stderr
