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


def test_importing_the_app_does_not_import_pillow_or_boto3s_s3() -> None:
    """Pillow is the photo function's alone (its own Lambda and layer); the API never loads it."""
    probe = ("import sys, app; print(sorted(m for m in ('PIL', 'PIL.Image', 'pillow_heif', 'chalicelib.photos.bucket', "
             "'chalicelib.photos.processing') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_photo_route_loads_no_pillow_either() -> None:
    probe = ("import sys, app, chalicelib.photos.uploads, chalicelib.complaints.clinic, chalicelib.rights.export; "
             "print(sorted(m for m in ('PIL', 'pillow_heif') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
