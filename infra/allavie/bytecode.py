"""Bytecode in the Lambda's zip, so that a cold start does not compile the code it imports.

Lambda runs the zip from a read-only /var/task: without ``__pycache__`` in it, every new
container compiles each module it imports from source (for the app's own ~100 modules alone
some 20 ms). The zip gets unchecked-hash .pyc files (PEP 552: no timestamps, never checked
against the source, which the deploy never changes in place) for the app's own code and for
every library module that importing the app, all of ``chalicelib`` and each library it names in
an import statement (also those imported inside a handler) loads. Libraries' modules
that are not loaded that way (most of stripe's 1,600, phonenumbers' country data) stay source
only: compiling all of them would double the zip past its 10 MB.

Both steps run in fresh interpreters: the probe so that nothing of this process shadows the
zip's libraries, the compiler so that the same sources always give the same bytes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

OWN = ("app.py", "chalicelib/")  # the app's code: always compiled

PROBE = """
import ast, importlib, json, os, pkgutil, sys
task = os.path.realpath(sys.argv[1]) + os.sep
import app, chalicelib
wanted = set()
for found in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
    wanted.add(found.name)
    source = importlib.util.find_spec(found.name).origin
    for node in ast.walk(ast.parse(open(source, encoding="utf-8").read())):
        # the libraries a handler imports when called (stripe, yaml, phonenumbers ...) as well
        if isinstance(node, ast.Import):
            wanted.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            wanted.add(node.module)
for name in sorted(wanted):
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # a library of another function's layer (Pillow): not in this zip
loaded = {os.path.realpath(m.__file__) for m in list(sys.modules.values()) if getattr(m, "__file__", None)}
print(json.dumps(sorted(f[len(task):] for f in loaded if f.startswith(task) and f.endswith(".py"))))
"""

COMPILE = """
import json, py_compile, sys
from importlib.util import cache_from_source
task = sys.argv[1]
for name in json.load(sys.stdin):
    py_compile.compile(f"{task}/{name}", cfile=cache_from_source(f"{task}/{name}"), dfile=name, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
"""


class BytecodeError(RuntimeError):
    """The probe or the compiler failed; the message says why."""


def matches_runtime(runtime: str) -> bool:
    """Whether this Python writes the bytecode the runtime reads (``python3.11``: 3.11.x share a magic number)."""
    return runtime == f"python{sys.version_info.major}.{sys.version_info.minor}"


def _run(script: str, task: Path, stdin: str | None = None) -> str:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(task), "PYTHONDONTWRITEBYTECODE": "1",
           "AWS_DEFAULT_REGION": "eu-north-1"}
    done = subprocess.run([sys.executable, "-c", script, str(task)], cwd=task, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise BytecodeError(f"bytecode: {lines[-1] if lines else 'exit ' + str(done.returncode)}")
    return done.stdout


def chosen(task: Path) -> list[str]:
    """The sources to compile: the app's own, and the libraries' modules the app loads."""
    own = sorted(p.relative_to(task).as_posix() for p in task.rglob("*.py")
                 if p.relative_to(task).as_posix().startswith(OWN))
    loaded = json.loads(_run(PROBE, task))
    return sorted(set(own) | set(loaded))


def add_bytecode(zip_path: Path, normalise: Callable[[Path], object]) -> int:
    """Add the .pyc files to the zip; ``normalise`` (``build.slim``) then orders it. Returns how many."""
    with tempfile.TemporaryDirectory(prefix="allavie-bytecode-") as scratch:
        task = Path(scratch) / "task"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(task)
        names = chosen(task)
        _run(COMPILE, task, stdin=json.dumps(names))
        compiled = sorted(p for p in task.rglob("*.pyc"))
        rebuilt = zip_path.with_name(zip_path.name + ".pyc.tmp")
        shutil.copy(zip_path, rebuilt)
        with zipfile.ZipFile(rebuilt, "a", zipfile.ZIP_DEFLATED) as archive:
            known = set(archive.namelist())
            for file in compiled:
                name = file.relative_to(task).as_posix()
                if name not in known:
                    archive.write(file, name)
        rebuilt.replace(zip_path)
    normalise(zip_path)
    return len(compiled)
