"""The house's import rules (pyproject.toml, [tool.importlinter]) hold, and the checker
really catches what they forbid: each bad module below, added to a copy of the code, breaks one."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _config_only(target: Path) -> None:
    """A pyproject.toml holding only the project's import contracts."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    lines = ["[tool.importlinter]", 'root_packages = ["chalicelib"]', "include_external_packages = true"]
    for contract in contracts["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        for key, value in contract.items():
            rendered = repr(value).replace("'", '"') if not isinstance(value, bool) else str(value).lower()
            lines.append(f"{key} = {rendered}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _lint(cwd: Path, source: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_code_keeps_every_contract() -> None:
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


BAD_MODULES = [
    # (where, what it says, the contract it breaks)
    ("booking/bad.py", "import pynamodb.models\n", "Only the store talks to DynamoDB"),
    ("rights/bad.py", "from botocore.exceptions import ClientError  # noqa: F401\n", "Only the store talks to DynamoDB"),
    ("booking/bad.py", "import stripe  # noqa: F401\n", "stripe only in the payment gateway"),
    ("retention/bad.py", "import boto3  # noqa: F401\n", "boto3 only in the adapters"),
    ("payments/bad.py", "from ..booking import take  # noqa: F401\n", "Capabilities are layered"),  # upwards
    ("cookies/bad.py", "from ..marketing import consents  # noqa: F401\n", "Capabilities are layered"),  # a sibling
    ("store/bad.py", "from ..links import tokens  # noqa: F401\n", "Capabilities are layered"),  # a cycle store <-> links
]


@pytest.mark.parametrize(("where", "code", "contract"), BAD_MODULES, ids=[f"{w}:{c.split()[1]}" for w, c, _ in BAD_MODULES])
def test_a_forbidden_import_breaks_a_contract(tmp_path: Path, where: str, code: str, contract: str) -> None:
    source = tmp_path / "src"
    shutil.copytree(ROOT / "functions" / "chalicelib", source / "chalicelib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (source / "chalicelib" / where).write_text(code, encoding="utf-8")
    _config_only(tmp_path / "pyproject.toml")

    result = _lint(tmp_path, source)

    said = " ".join(result.stdout.split())  # contract names wrap across lines
    assert result.returncode != 0, said
    assert f"{contract}" in said and "BROKEN" in said and "1 broken" in said, said
    assert f"chalicelib.{where.removesuffix('.py').replace('/', '.')}" in said
