"""`make dev` stopped by SIGTERM to its process group (`kill -TERM -- -PGID`, as a
process manager or a CI runner stops it) leaves nothing running: not once it
is up, and not while it is still starting its servers.

make runs in a session of its own (like `setsid make dev`); the servers run in
sessions of their own too, so they are found afterwards by the unique VAR_DIR
in their environment, whoever their parent is by then.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from allavie.local import servers

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PORTS = ("SITE_PORT", "API_PORT", "DYNAMODB_PORT", "STRIPE_PORT", "S3_PORT")


def processes_with(marker: str) -> dict[int, str]:
    """Live processes (not zombies) whose environment holds ``marker``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if state != "Z":
            found[int(entry.name)] = command
    return found


def kill_leftovers(marker: str) -> None:
    """A failing test must not leave servers behind for the next one."""
    for pid in processes_with(marker):
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def start_make_dev(tmp_path: Path, command: list[str], cwd: Path) -> tuple[subprocess.Popen[str], dict[str, str],
                                                                            queue.Queue[str], str]:
    ports = {name: str(servers.free_port()) for name in PORTS}
    marker = f"VAR_DIR={tmp_path}"
    env = {**os.environ, **ports, "VAR_DIR": str(tmp_path), "OUTBOX_DIR": str(tmp_path / "outbox")}
    make = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert make.stdout is not None
        for line in make.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return make, ports, lines, marker


def wait_for_line(lines: queue.Queue[str], text: str, timeout: float) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"no {text!r} within {timeout:.0f} s:\n" + "".join(seen))


def wait_for_process(marker: str, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in command for command in processes_with(marker).values()):
            return
        time.sleep(0.02)
    raise AssertionError(f"no process {text!r} within {timeout:.0f} s")


def sigterm_the_group(tmp_path: Path, wait_for: str, *, again_when: str | None = None, process: str | None = None,
                      command: list[str] | None = None, cwd: Path = ROOT) -> tuple[dict[int, str], list[str], str]:
    """Start make dev, wait for ``wait_for`` in its output (and for a ``process`` to exist), SIGTERM its group,
    again once it prints ``again_when``; returns what is left a few seconds later."""
    make, ports, lines, marker = start_make_dev(tmp_path, command or ["make", "--no-print-directory", "dev"], cwd)
    try:
        output = wait_for_line(lines, wait_for, timeout=150)
        if process:
            wait_for_process(marker, process, timeout=30)
        assert processes_with(marker), "the servers carry VAR_DIR in their environment"
        os.killpg(make.pid, signal.SIGTERM)
        if again_when:
            output += wait_for_line(lines, again_when, timeout=10)
            os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
        deadline = time.monotonic() + 5
        while (processes_with(marker) or any(servers.port_in_use(int(p)) for p in ports.values())) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        left = processes_with(marker)
        open_ports = [f"{name}={port}" for name, port in ports.items() if servers.port_in_use(int(port))]
        return left, open_ports, output
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
        kill_leftovers(marker)


def test_sigterm_to_the_group_of_a_running_make_dev_stops_every_server(tmp_path: Path) -> None:
    left, open_ports, output = sigterm_the_group(tmp_path, "Press Ctrl-C")
    assert "Allavie is running" in output
    assert not left, f"still running after SIGTERM: {left}"
    assert not open_ports, f"still listening: {open_ports}"


def test_a_second_sigterm_while_it_stops_does_not_cut_the_stop_short(tmp_path: Path) -> None:
    # What make's own SIGTERM to its child does when it comes after allavie dev began to stop.
    left, open_ports, _ = sigterm_the_group(tmp_path, "Press Ctrl-C", again_when="Stopping")
    assert not left, f"still running after SIGTERM: {left}"
    assert not open_ports, f"still listening: {open_ports}"


def test_sigterm_while_a_server_is_starting_stops_it_too(tmp_path: Path) -> None:
    # DynamoDB Local is up; localstripe's process exists but does not answer yet.
    left, open_ports, _ = sigterm_the_group(tmp_path, "Starting localstripe", process="stripe_server")
    assert not left, f"still running after SIGTERM: {left}"
    assert not open_ports, f"still listening: {open_ports}"
