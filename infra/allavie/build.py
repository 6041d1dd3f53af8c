"""Package the Chalice app and merge the rest of the stack into it, offline.

``chalice package`` runs on a copy of ``functions/`` under ``build/`` whose
``.chalice`` config has the stage (any test stage works) with one role per
function; the copy keeps chalice's dependency cache between runs. It runs
twice: once to learn the functions chalice makes (their names, roles and
event sources), once with ``--merge-template`` built for exactly those.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import FUNCTIONS, ROOT, photos_stack, template

BUILD_DIR = ROOT / "build"
Progress = Callable[[str], None]


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
    layer_zip: Path | None = None  # the photo function's libraries (photos_stack); None offline

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
    """Package the app for ``options.stage`` and merge the stack into it."""
    stage = template.check_stage(options.stage)
    base = build_dir / stage
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
    functions = template.functions_of(json.loads((discover / "sam.json").read_text(encoding="utf-8")))
    shutil.rmtree(discover)
    merge_file = base / "merge.json"
    merge_file.write_text(json.dumps(template.merge_template(options, functions), indent=2), encoding="utf-8")
    out = base / "package"
    _chalice_package(project, stage, out, region, merge=merge_file)
    sam = json.loads((out / "sam.json").read_text(encoding="utf-8"))
    layer = None
    if with_dependencies and any(f.logical_id == photos_stack.PROCESS_FUNCTION for f in functions):
        try:
            layer = photos_stack.build_layer(out / "photo-layer.zip")
        except RuntimeError as error:
            if not allow_without_dependencies:
                raise BuildError(f"the photo function's layer could not be built: {error}") from None
            progress("  the photo function's layer could not be built (offline?): planned without it")
    return Package(stage, out, sam, out / "deployment.zip", functions, with_dependencies, layer)
