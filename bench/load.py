"""Load: 50 simulated visitors for 60 s (locust, headless) against ``chalice local`` with its stream
pump, DynamoDB Local and localstripe; bounded, stops by itself.

``run(api_url, outbox)`` drives locust in its own process (it patches the standard library with
gevent, which must stay out of the caller's process) and answers its figures; ``report()`` starts a
stack of its own and prints them (``make bench``). tests/integration/test_load.py checks the same
run: no error but 409, no double booking, no orphan lock.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def run(api_url: str, outbox: Path, *, users: int = 50, seconds: int = 60, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run locust headless; its aggregated figures: requests, failures, requests/s, median and p95 (ms)."""
    with tempfile.TemporaryDirectory(prefix="allavie-load-") as folder:
        prefix = Path(folder) / "load"
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
                   "-r", str(max(users // 5, 1)), "-t", f"{seconds}s", "--host", api_url, "--csv", str(prefix),
                   "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0"]
        finished = subprocess.run(command, cwd=ROOT, env={**(env or os.environ), "OUTBOX_DIR": str(outbox)},
                                  capture_output=True, text=True, timeout=seconds + 120)
        if finished.returncode != 0:
            raise RuntimeError(f"locust failed ({finished.returncode}):\n{finished.stderr[-3000:]}")
        with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
        with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
            failures = [f"{row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}" for row in csv.DictReader(handle)]
    total = rows["Aggregated"]
    conflicts = next((line.rsplit(":", 1)[1].strip() for line in (finished.stdout + finished.stderr).splitlines()
                      if "409 answers" in line), "0")
    return {
        "requests": int(total["Request Count"]), "failures": int(total["Failure Count"]), "failed": failures,
        "rps": float(total["Requests/s"]), "median_ms": float(total["Median Response Time"]),
        "p95_ms": float(total["95%"]), "conflicts": int(conflicts),
        "by_name": {name: (int(r["Request Count"]), float(r["Median Response Time"]), float(r["95%"]))
                    for name, r in rows.items() if name != "Aggregated"},
    }


def report(*, users: int = 50, seconds: int = 60) -> int:
    """Start DynamoDB Local, localstripe, chalice local and the stream pump; run the load; print it."""
    from allavie.local import servers, stream_pump

    outbox = Path(tempfile.mkdtemp(prefix="allavie-load-outbox-"))
    stack = servers.Stack()
    try:
        dynamo = stack.add(servers.start_dynamodb(servers.free_port()))
        stripe = stack.add(servers.start_stripe(servers.free_port()))
        port = servers.free_port()
        env = servers.app_env(dynamodb_url=dynamo.url, stripe_url=stripe.url, api_url=f"http://127.0.0.1:{port}",
                              site_url="http://127.0.0.1:8000", outbox=outbox, table="allavie_load")
        saved = dict(os.environ)
        os.environ.update(env)
        from chalicelib.store import connection

        connection.ensure_table()
        os.environ.clear()
        os.environ.update(saved)
        api = stack.add(servers.start_api(port, env))
        stack.add(stream_pump.start(env))
        figures = run(api.url, outbox, users=users, seconds=seconds, env=env)
    finally:
        stack.stop()
    print(f"\nload: {users} visitors for {seconds} s against chalice local (one process, this machine)")
    print(f"{'requests':>10} {'req/s':>8} {'median':>8} {'p95':>8}  errors (besides {figures['conflicts']} × 409)")
    print(f"{figures['requests']:>10} {figures['rps']:>8.1f} {figures['median_ms']:>6.0f}ms {figures['p95_ms']:>6.0f}ms"
          f"  {figures['failures']}")
    for name, (count, median, p95) in sorted(figures["by_name"].items()):
        print(f"  {name:28} {count:>6} {median:>6.0f}ms {p95:>6.0f}ms")
    for line in figures["failed"]:
        print(f"  failed: {line}")
    return 0 if figures["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(report())
