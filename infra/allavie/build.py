"""Package the Chalice app and merge the rest of the stack into it, offline.

``chalice package`` runs on a copy of ``functions/`` under ``build/`` whose
``.chalice`` config has the stage (any test stage works) with one role per
function; the copy keeps chalice's dependency cache between runs. It runs
twice: once to learn the functions chalice makes (their names, roles and
event sources), once with ``--merge-template`` built for exactly those.

The Lambda runtime brings boto3 and botocore (with s3transfer and jmespath),
so the zip leaves them out: chalice packages every dependency of the
requirements (pynamodb pulls botocore, 16 of its 23 MB), and ``slim`` rewrites
its output without them, deterministically, since the deploy uploads the zip
under its digest. The runtime itself is chalice's choice, the Python that runs
it; ``LAMBDA_RUNTIME`` pins it, so that the zip's wheels and the runtime agree.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import FUNCTIONS, ROOT, bytecode, template

BUILD_DIR = ROOT / "build"
Progress = Callable[[str], None]

LAMBDA_RUNTIME = template.LAMBDA_RUNTIME  # also the photo layer's (deploy/photo_layer.py)
# In every Lambda Python runtime (boto3 and what it needs); the zip leaves them out.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath")
ZIP_LIMIT_MB = 10
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time in the bytes


class BuildError(RuntimeError):
    """Packaging failed; the message says why."""


@dataclass(frozen=True)
class Package:
    stage: str
    directory: Path
    sam: dict[str, Any]          # the merged SAM template (CodeUri: ./deployment.zip)
    zip_path: Path
    functions: list[template.Function]
    with_dependencies: bool      # False only for an offline plan

    @property
    def sam_path(self) -> Path:
        return self.directory / "sam.json"


def _stage_project(stage: str, project: Path, source: Path) -> None:
    """A copy of functions/ whose config names this stage; chalice's cache survives."""
    project.mkdir(parents=True, exist_ok=True)
    for entry in project.iterdir():
        if entry.name == ".chalice":
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".chalice")
    for entry in source.iterdir():
        if entry.name in (".chalice", "__pycache__"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, project / entry.name, ignore=ignore)
        else:
            shutil.copy2(entry, project / entry.name)
    config = json.loads((source / ".chalice" / "config.json").read_text(encoding="utf-8"))
    stage_config = config.setdefault("stages", {}).setdefault(stage, {})
    # One role per function (the merge gives each its own policy) and the API under
    # /api, the path CloudFront forwards: both are the deployment's assumptions.
    stage_config.update({"api_gateway_stage": template.API_PATH.strip("/"), "autogen_policy": False,
                         "iam_policy_file": "policy-deploy.json"})
    chalice_dir = project / ".chalice"
    chalice_dir.mkdir(exist_ok=True)
    (chalice_dir / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    # Replaced in the merge by each function's least-privilege policy.
    (chalice_dir / "policy-deploy.json").write_text(
        json.dumps({"Version": "2012-10-17", "Statement": []}), encoding="utf-8")


def _chalice_package(project: Path, stage: str, out: Path, region: str, merge: Path | None = None) -> None:
    if out.exists():
        shutil.rmtree(out)
    chalice = Path(sys.executable).with_name("chalice")
    cmd = [str(chalice), "package", "--stage", stage]
    if merge is not None:
        cmd += ["--merge-template", str(merge)]
    cmd.append(str(out))
    env = {**os.environ, "AWS_DEFAULT_REGION": region, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError(f"chalice package failed: {lines[-1] if lines else 'exit ' + str(result.returncode)}")


def _offline_error(error: BuildError) -> bool:
    return "Could not satisfy the requirement" in str(error) or "NoSuchPackageError" in str(error)


def package(options: template.Options, *, region: str, build_dir: Path = BUILD_DIR,
            allow_without_dependencies: bool = False, progress: Progress = print,
            source: Path = FUNCTIONS) -> Package:
    """Package the app for ``options.stage`` and merge the stack into it.

    Two packagings of one stage at once (two terminals, the tests' workers) take turns: both
    write the same build/<stage>/ directory."""
    stage = template.check_stage(options.stage)
    base = build_dir / stage
    base.mkdir(parents=True, exist_ok=True)
    with (base / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _package(options, stage, base, region, allow_without_dependencies, progress, source)


def _package(options: template.Options, stage: str, base: Path, region: str, allow_without_dependencies: bool,
             progress: Progress, source: Path) -> Package:
    project = base / "project"
    _stage_project(stage, project, source)
    with_dependencies = True
    discover = base / "discover"
    try:
        _chalice_package(project, stage, discover, region)
    except BuildError as error:
        if not (allow_without_dependencies and _offline_error(error)):
            raise
        # Offline: the template does not depend on the libraries, only the zip does.
        progress("  the Lambda's libraries could not be fetched (offline?): "
                 "packaging without them for this plan; deploy fetches them")
        (project / "requirements.txt").write_text("", encoding="utf-8")
        with_dependencies = False
        _chalice_package(project, stage, discover, region)
    discovered = json.loads((discover / "sam.json").read_text(encoding="utf-8"))
    _check_runtime(discovered)
    functions = template.functions_of(discovered)
    shutil.rmtree(discover)
    merge_file = base / "merge.json"
    merge_file.write_text(json.dumps(template.merge_template(options, functions), indent=2), encoding="utf-8")
    out = base / "package"
    _chalice_package(project, stage, out, region, merge=merge_file)
    sam = json.loads((out / "sam.json").read_text(encoding="utf-8"))
    slim(out / "deployment.zip")
    if with_dependencies and bytecode.matches_runtime(LAMBDA_RUNTIME):
        bytecode.add_bytecode(out / "deployment.zip", slim)  # a cold start then compiles nothing it loads
    return Package(stage, out, sam, out / "deployment.zip", functions, with_dependencies)


def _check_runtime(sam: dict[str, Any]) -> None:
    found = sorted({str(resource["Properties"].get("Runtime")) for resource in sam.get("Resources", {}).values()
                    if resource.get("Type") == "AWS::Serverless::Function"})
    if found and found != [LAMBDA_RUNTIME]:
        raise BuildError(f"chalice packaged for {', '.join(found)} (the Python that runs it) but the stack pins "
                         f"{LAMBDA_RUNTIME}: make the venv with that Python (rm -rf .venv && make install "
                         f"PYTHON={LAMBDA_RUNTIME})")


def runtime_provided(name: str) -> bool:
    """Whether a zip entry belongs to a distribution the Lambda runtime has (its package or its .dist-info)."""
    top = name.split("/", 1)[0]
    if top.endswith((".dist-info", ".data")):
        top = top.split("-", 1)[0]  # wheels name them <name>-<version>.dist-info
    elif top.endswith(".py"):
        top = top[:-3]
    return top.lower().replace("-", "_") in RUNTIME_PROVIDED


def slim(zip_path: Path) -> int:
    """Rewrite the zip without what the runtime provides; returns its new size in bytes.

    Entries are sorted, with a fixed time and mode (0644, or 0755 for executables),
    so that the same content always gives the same bytes, and the same digest.
    """
    slimmed = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(slimmed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            if info.is_dir() or runtime_provided(info.filename):
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.create_system = 3  # Unix, so that Lambda reads the mode
            entry.external_attr = (stat.S_IFREG | (0o755 if (info.external_attr >> 16) & 0o111 else 0o644)) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, source.read(info))
    slimmed.replace(zip_path)
    return zip_size(zip_path)


def zip_size(zip_path: Path) -> int:
    """The zip's size in bytes (what Lambda counts against its limits)."""
    return zip_path.stat().st_size


def size_line(zip_path: Path, name: str = "deployment.zip") -> str:
    """e.g. ``deployment.zip: 6.8 MB (limit 10 MB)``."""
    return f"{name}: {zip_size(zip_path) / 1e6:.1f} MB (limit {ZIP_LIMIT_MB} MB)"


def latest_zip(build_dir: Path = BUILD_DIR) -> Path | None:
    """The most recently packaged deployment.zip under build/, if any."""
    zips = sorted(build_dir.glob("*/package/deployment.zip"), key=lambda path: path.stat().st_mtime)
    return zips[-1] if zips else None
