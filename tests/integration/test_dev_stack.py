"""`allavie dev` brings up every server, answers /services, cleans an uploaded photo (its upload trigger
plays S3's notification), and refuses a second start with a clear message."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import requests
from allavie.local import servers
from support import clock as run_clock
from support import photos
from support.booking_data import body

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_make_dev_runs_everything_and_a_second_start_is_refused(tmp_path: Path) -> None:
    ports = {name: str(servers.free_port()) for name in ("SITE_PORT", "API_PORT", "DYNAMODB_PORT", "STRIPE_PORT", "S3_PORT")}
    env = {**os.environ, **ports, "VAR_DIR": str(tmp_path), "OUTBOX_DIR": str(tmp_path / "outbox")}
    allavie = [sys.executable, "-m", "allavie.cli", "dev"]
    first = subprocess.Popen(allavie, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 150
        lines = []
        while time.monotonic() < deadline:
            line = first.stdout.readline()
            if not line and first.poll() is not None:
                break
            lines.append(line)
            if "Press Ctrl-C" in line:
                break
        assert "Press Ctrl-C" in "".join(lines), "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['API_PORT']}/services", timeout=10) as answer:
            assert json.load(answer)["services"]
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['SITE_PORT']}/", timeout=10) as answer:
            assert answer.status == 200
        _a_photo_is_cleaned(f"http://127.0.0.1:{ports['API_PORT']}")

        second = subprocess.run(allavie, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "already in use" in second.stderr and "Traceback" not in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGINT)
        first.wait(timeout=60)
    for port in ports.values():
        assert not servers.port_in_use(int(port)), "Ctrl-C stops every server"


def _a_photo_is_cleaned(api: str) -> None:
    """Book, upload a photo with GPS to make dev's bucket, and see it come back ready, without metadata."""
    first = run_clock.open_day(3)  # the dev stack reads the same clock (ALLAVIE_NOW when the run is pinned)
    last = first + dt.timedelta(days=17)
    slot = requests.get(f"{api}/availability", params={"service": "konsultation", "from": first, "to": last},
                        timeout=30).json()["slots"][0]
    made = requests.post(f"{api}/bookings", json=body(email="dev.bild@example.se", start=slot["start"],
                                                      staff=slot["staff"][0]), timeout=30)
    assert made.status_code == 201, made.text
    booking, token = made.json()["booking"]["id"], made.json()["photos"]["token"]
    headers = {"Authorization": f"Bearer {token}"}
    data = photos.jpeg_with_gps()
    asked = requests.post(f"{api}/bookings/{booking}/photos", json={"content_type": "image/jpeg", "size": len(data)},
                          headers=headers, timeout=30)
    assert asked.status_code == 201, asked.text
    assert photos.upload(asked.json(), data) == 204
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        listed = requests.get(f"{api}/bookings/{booking}/photos", headers=headers, timeout=30).json()["photos"]
        if listed and listed[0]["status"] == "ready":
            break
        time.sleep(0.3)
    assert listed and listed[0]["status"] == "ready", listed
    assert photos.metadata_of(requests.get(listed[0]["url"], timeout=10).content)["gps"] == {}
