"""The photo function's own libraries as a Lambda layer: Pillow and pillow-heif
(``functions/photo-requirements.txt``), Linux wheels for the functions' runtime,
under ``python/`` as Lambda wants them. Only ``ProcessPhoto`` has the layer
(template/photos.py), so the API's package and cold start carry neither.

The zip is rewritten like the API's (``build.slim``: sorted entries, fixed times and
modes), so the same wheels give the same bytes and the content-addressed upload skips it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .. import FUNCTIONS, build, template
from .context import Refused

REQUIREMENTS = FUNCTIONS / "photo-requirements.txt"
PLATFORM = "manylinux2014_x86_64"  # Lambda's default architecture (the functions name none)


def python_version(runtime: str = template.LAMBDA_RUNTIME) -> str:
    """``3.11`` for ``python3.11``."""
    return runtime.removeprefix("python")


def build_layer(out: Path, requirements: Path = REQUIREMENTS) -> Path:
    """Fetch the wheels and write the layer's zip at ``out``; Refused when pip cannot."""
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "python"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--platform", PLATFORM, "--implementation", "cp", "--python-version", python_version(),
                   "--only-binary=:all:", "--target", str(target), "-r", str(requirements)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            raise Refused(f"the photo function's layer could not be built: {lines[-1] if lines else 'pip failed'}")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(target.rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    archive.write(file, file.relative_to(target.parent).as_posix())
    build.slim(out)
    return out


def layer_path(stage: str) -> Path:
    return build.BUILD_DIR / stage / "photo-layer.zip"


def needed(functions: list[template.Function]) -> bool:
    """Whether the package has the function the layer is for."""
    return any(f.logical_id == template.photos.PROCESS_FUNCTION for f in functions)


def size_line(path: Path) -> str:
    return f"photo-layer.zip: {build.zip_size(path) / 1e6:.1f} MB"
