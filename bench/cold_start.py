"""The Lambda's cold start: ``import app`` against the libraries it cannot do without.

Each measurement is a fresh interpreter (as a new Lambda container is), the two
kinds interleaved in one run so that the machine's mood hits both alike:

- app:       ``import app`` (Chalice, the store, the routes' tables of contents)
- baseline:  ``import boto3, pynamodb.models, chalice.app``
- first booking: ``import app`` plus what ``POST /bookings`` loads on its first call
- first services: ``import app`` plus what ``GET /services`` loads on a new container (the settings' reader, YAML)
All from bytecode, as the deployed zip has it (each kind's first run compiles, unmeasured).

    .venv/bin/python bench/cold_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
LIMIT = 1.15  # import app may take at most this multiple of the baseline

TIMED = "import time; t = time.perf_counter(); {imports}; print(time.perf_counter() - t)"
KINDS = {
    "app": "import app",
    "baseline": "import boto3, pynamodb.models, chalice.app",
    "first booking": "import app, chalicelib.booking.take, chalicelib.booking.view, chalicelib.booking.requests",
    # GET /services on a new container: the view, the settings' reader and the clinic file's parser (YAML)
    "first services": "import app, chalicelib.booking.view, chalicelib.store.settings, chalicelib.core.clinic.parse, yaml",
}


def measure(runs: int) -> dict[str, float]:
    """Median milliseconds per kind. Every module is read from bytecode, as in the Lambda (the zip carries
    the app's, infra/allavie/bytecode.py): one unmeasured run first writes it to a scratch cache for both."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory(prefix="allavie-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": cache}
        for warming in [True] + [False] * runs:
            for kind, imports in KINDS.items():
                done = subprocess.run([sys.executable, "-c", TIMED.format(imports=imports)], cwd=FUNCTIONS, env=env,
                                      capture_output=True, text=True, check=True, timeout=60)
                if not warming:
                    times[kind].append(float(done.stdout) * 1000)
    return {kind: statistics.median(values) for kind, values in times.items()}


def report(runs: int) -> bool:
    medians = measure(runs)
    ratio = medians["app"] / medians["baseline"]
    print(f"Cold start (median of {runs} fresh interpreters each, interleaved)")
    for kind, value in medians.items():
        print(f"  {kind:14} {value:7.1f} ms   {KINDS[kind]}")
    print(f"  ratio app / baseline: {ratio:.2f} (limit {LIMIT})")
    print(f"  ratio first booking / baseline: {medians['first booking'] / medians['baseline']:.2f}")
    print(f"  ratio first services / baseline: {medians['first services'] / medians['baseline']:.2f}\n")
    return ratio <= LIMIT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    return 0 if report(parser.parse_args().runs) else 1


if __name__ == "__main__":
    sys.exit(main())
