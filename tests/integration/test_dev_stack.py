"""`allavie dev` brings up every server, answers /services, and refuses a
second start with a clear message."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from allavie.local import servers

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

        second = subprocess.run(allavie, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "already in use" in second.stderr and "Traceback" not in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGINT)
        first.wait(timeout=60)
    for port in ports.values():
        assert not servers.port_in_use(int(port)), "Ctrl-C stops every server"
