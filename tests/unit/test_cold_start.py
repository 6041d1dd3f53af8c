"""The Lambda's cold start loads only what every route needs: stripe (and aiohttp
under it) is imported where payments happen, never by ``import app``."""

import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_importing_the_app_does_not_import_stripe() -> None:
    probe = "import sys, app; print(sorted(m for m in ('stripe', 'aiohttp', 'icalendar') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
