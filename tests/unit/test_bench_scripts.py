"""Every benchmark script still imports: they run only under `make bench`, so a module that moved
(the infra split moved allavie.servers to allavie.local.servers) would otherwise be found there first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# locustfile is loaded by locust itself (it patches the standard library with gevent when imported)
SCRIPTS = sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "locustfile")


def test_every_script_is_listed() -> None:
    assert {"run", "cold_start", "site_bytes", "lighthouse", "load", "site_stack", "cost"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_script_imports(script: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {script}"], cwd=BENCH, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
