"""The Lambda's deployment.zip, as `allavie deploy` uploads it: no AWS SDK (the
runtime has it), at most 10 MB, the same bytes for the same content, and an
app that imports with boto3/botocore from outside the zip, as on Lambda.

Packages the real app with its libraries (chalice fetches them from PyPI;
nothing goes to AWS). The offline plan is tests/functional/test_deploy_plan.py.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from allavie import build, template

REGION = "eu-north-1"
LIMIT = 10_000_000


@pytest.fixture(scope="module")
def package() -> build.Package:
    options = template.Options("ziptest", "info@allavieclinic.com")
    return build.package(options, region=REGION, progress=lambda _: None)


def names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.namelist()


def test_the_zip_leaves_the_sdk_to_the_runtime_and_stays_under_10_mb(package: build.Package) -> None:
    assert package.with_dependencies
    entries = names(package.zip_path)
    tops = {name.split("/", 1)[0].split("-", 1)[0] for name in entries}
    assert not tops & {"boto3", "botocore", "s3transfer", "jmespath"}, sorted(tops)
    assert {"pynamodb", "stripe", "chalicelib", "app.py"} <= tops, "the app's own libraries are in it"
    assert build.zip_size(package.zip_path) <= LIMIT
    assert build.size_line(package.zip_path).startswith("deployment.zip: ")


def test_every_function_runs_on_the_pinned_runtime(package: build.Package) -> None:
    runtimes = {r["Properties"]["Runtime"] for r in package.sam["Resources"].values()
                if r["Type"] == "AWS::Serverless::Function"}
    assert runtimes == {build.LAMBDA_RUNTIME}


def test_the_app_imports_with_the_sdk_from_outside_the_zip(package: build.Package, tmp_path: Path) -> None:
    task = tmp_path / "task"  # Lambda's /var/task; this venv's botocore plays the runtime's
    with zipfile.ZipFile(package.zip_path) as archive:
        archive.extractall(task)
    check = ("import app, botocore, pynamodb, boto3; "
             "assert app.__file__.startswith(sys.argv[1]) and pynamodb.__file__.startswith(sys.argv[1]); "
             "assert not botocore.__file__.startswith(sys.argv[1]); print(len(app.app.routes))")
    result = subprocess.run([sys.executable, "-c", "import sys; " + check, str(task)], cwd=task,
                            env={"PYTHONPATH": str(task), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10, "the routes are there"


def test_slimming_is_deterministic(package: build.Package, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    shutil.copy(package.zip_path, again)
    build.slim(again)
    assert again.read_bytes() == package.zip_path.read_bytes(), "a slimmed zip slims to the same bytes"

    def made(order: list[str], when: tuple[int, int, int, int, int, int]) -> Path:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=when)
                info.external_attr = 0o100664 << 16
                archive.writestr(info, f"content of {name}")
        path = tmp_path / f"{when[0]}.zip"
        path.write_bytes(buffer.getvalue())
        build.slim(path)
        return path

    files = ["app.py", "botocore/__init__.py", "chalicelib/db.py", "jmespath-1.1.0.dist-info/METADATA", "six.py"]
    first, second = made(files, (2026, 1, 2, 3, 4, 6)), made(files[::-1], (2027, 6, 5, 4, 3, 2))
    assert first.read_bytes() == second.read_bytes()
    assert names(first) == ["app.py", "chalicelib/db.py", "six.py"]


def test_a_cold_start_compiles_nothing_the_app_loads(package: build.Package, tmp_path: Path) -> None:
    """Lambda's /var/task is read-only: the zip carries the bytecode (PEP 552 unchecked hashes), else every new
    container compiles each module again. Proof that it is used: sources broken after packaging still import."""
    entries = set(names(package.zip_path))
    own = sorted(n for n in entries if n.endswith(".py") and (n == "app.py" or n.startswith("chalicelib/")))
    assert own and all(importlib.util.cache_from_source(n) in entries for n in own), "every module of the app"
    for library in ("pynamodb/models.py", "yaml/__init__.py", "stripe/__init__.py", "chalice/app.py"):
        assert importlib.util.cache_from_source(library) in entries, library
    with zipfile.ZipFile(package.zip_path) as archive:
        pyc = archive.read(importlib.util.cache_from_source("chalicelib/core/clock.py"))
    assert pyc[:4] == importlib.util.MAGIC_NUMBER and int.from_bytes(pyc[4:8], "little") == 0b01  # hash, unchecked

    task = tmp_path / "task"
    with zipfile.ZipFile(package.zip_path) as archive:
        archive.extractall(task)
    for source in ("app.py", "chalicelib/core/clock.py", "pynamodb/models.py"):
        (task / source).write_text("this is not python (\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", "import app; print(len(app.app.routes))"], cwd=task,
                            env={"PYTHONPATH": str(task), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10
